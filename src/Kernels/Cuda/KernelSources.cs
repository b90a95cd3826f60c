using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Locus.Kernels.Cuda;

/// <summary>
/// The embedded <c>Cuda/Sources/*.cu</c> files (resource names <c>Locus.Kernels.Cuda.Sources.&lt;file&gt;</c>).
/// <see cref="Get"/> returns a .cu file with <c>common.cuh</c> prepended, so sources never #include anything.
/// </summary>
public static class KernelSources
{
    private const string Prefix = "Locus.Kernels.Cuda.Sources.";
    private const string Common = "common.cuh";
    private static readonly Assembly s_assembly = typeof(KernelSources).Assembly;

    /// <summary>Names of every embedded source file (.cu and .cuh).</summary>
    public static IReadOnlyList<string> Files { get; } = s_assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The raw text of one embedded file.</summary>
    /// <exception cref="FileNotFoundException">no embedded source has that name.</exception>
    public static string Raw(string file)
    {
        using var stream = s_assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"no embedded CUDA source '{file}' (have: {string.Join(", ", Files)})", file);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The compilable text of <paramref name="file"/>: common.cuh, a #line marker, then the file.</summary>
    /// <exception cref="FileNotFoundException">no embedded source has that name.</exception>
    public static string Get(string file)
    {
        string body = Raw(file);
        if (file == Common)
        {
            return body;
        }
        return Raw(Common) + "\n#line 1 \"" + file + "\"\n" + body;
    }

    /// <summary>Hex SHA-256 of <paramref name="text"/> (UTF-8).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
