using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Kernel parameter sizes read from a module's PTX (NVRTC, <c>compute_80</c>): <c>.param .u64 x</c> → 8,
/// <c>.param .align 8 .b8 x[160]</c> → 160. A dry run (<see cref="CudaKernelContext.DryRun"/>) compares each launch's
/// arguments against them, so a launcher passing an int where the kernel takes a pointer fails without a GPU.
/// </summary>
internal static partial class PtxSignatures
{
    /// <summary>The virtual arch the signatures are read at (parameter lists do not depend on it).</summary>
    public const string Arch = "compute_80";

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyDictionary<string, int[]>>> s_modules = new(StringComparer.Ordinal);
    private static readonly KernelCache s_cache = new();

    /// <summary>Parameter byte sizes of every entry of <paramref name="module"/> (compiled once per process, through the kernel cache).</summary>
    /// <exception cref="NvrtcException">NVRTC failed on the module.</exception>
    public static IReadOnlyDictionary<string, int[]> Of(string module) =>
        s_modules.GetOrAdd(module, m => new Lazy<IReadOnlyDictionary<string, int[]>>(() =>
            Parse(Encoding.UTF8.GetString(s_cache.GetOrCompile(KernelCatalog.Get(m), Arch).Image).TrimEnd('\0')))).Value;

    /// <summary>Entry name → parameter sizes of every <c>.entry</c> in <paramref name="ptx"/>.</summary>
    public static IReadOnlyDictionary<string, int[]> Parse(string ptx)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (Match entry in EntryPattern().Matches(ptx))
        {
            var sizes = new List<int>();
            foreach (Match p in ParamPattern().Matches(entry.Groups["params"].Value))
            {
                string type = p.Groups["type"].Value;
                int scalar = type[1..] switch
                {
                    "64" => 8,
                    "32" => 4,
                    "16" => 2,
                    "8" => 1,
                    _ => throw new FormatException($"PTX parameter type .{type} of {entry.Groups["name"].Value}"),
                };
                sizes.Add(p.Groups["count"].Success ? scalar * int.Parse(p.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture) : scalar);
            }
            result[entry.Groups["name"].Value] = sizes.ToArray();
        }
        return result;
    }

    [GeneratedRegex(@"\.entry\s+(?<name>[A-Za-z_][A-Za-z0-9_$]*)\s*\((?<params>[^)]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"\.param\s+(?:\.align\s+\d+\s+)?\.(?<type>[usbf](?:64|32|16|8))\s+[A-Za-z_][A-Za-z0-9_$]*(?:\[(?<count>\d+)\])?", RegexOptions.CultureInvariant)]
    private static partial Regex ParamPattern();
}
