using Locus.Engine.Backends;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference;

namespace Locus.Kernels.Tests.Editing;

/// <summary>The host backends the editing invariants must hold on, by name (for theory data).</summary>
internal static class Backends
{
    public static readonly string[] Names = ["reference", "cpu"];

    public static IBackend Create(string name) => name switch
    {
        "reference" => new ReferenceBackend(),
        "cpu" => new CpuBackend(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown backend"),
    };
}
