using Locus.Engine.Tensors;

namespace Locus.Cli;

/// <summary>The <c>--dtype</c> option shared by the commands that run graphs.</summary>
internal static class CliDType
{
    /// <summary>"f32" or "bf16"; null (option not given) stays null so the caller can take the backend's preferred type.</summary>
    /// <exception cref="ArgumentException">Any other value.</exception>
    public static DType? Parse(string? value) => value switch
    {
        null => null,
        "f32" => DType.F32,
        "bf16" => DType.BF16,
        _ => throw new ArgumentException($"--dtype must be f32 or bf16, got '{value}'"),
    };
}
