using System.Reflection;
using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Interop;

/// <summary>
/// Finds the CUDA driver, NVRTC, cuBLASLt and cuBLAS for the <c>[LibraryImport]</c> declarations of this assembly.
/// Search order per library: <c>$LOCUS_CUDA_PATH</c> (a folder, or a ':'-separated list), Python site-packages
/// (<c>nvidia/cu13/lib</c>, <c>nvidia/*/lib</c>; roots from <c>$LOCUS_PYTHON_SITE</c>, the torch venv, dist-packages),
/// <c>$CUDA_PATH</c>/<c>$CUDA_HOME</c>, <c>/usr/local/cuda*/lib64</c> (+ <c>targets/x86_64-linux/lib</c>), then the
/// system loader with each versioned soname. The driver is only ever loaded as <c>libcuda.so.1</c> (never the toolkit stub).
/// </summary>
public static class CudaLibraryResolver
{
    /// <summary>Logical library name of the driver used in the declarations.</summary>
    internal const string Driver = "locus_cuda";

    /// <summary>Logical library name of NVRTC.</summary>
    internal const string Nvrtc = "locus_nvrtc";

    /// <summary>Logical library name of cuBLASLt.</summary>
    internal const string CublasLt = "locus_cublaslt";

    private static readonly Dictionary<string, string[]> s_sonames = new(StringComparer.Ordinal)
    {
        [Driver] = ["libcuda.so.1"],
        [Nvrtc] = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so", "libnvrtc.so.11.2"],
        [CublasLt] = ["libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11"],
    };

    private static readonly Dictionary<string, (nint Handle, string Where)> s_loaded = new(StringComparer.Ordinal);
    private static readonly Lock s_lock = new();
    private static bool s_installed;

    /// <summary>Where each library was loaded from (logical name → path or soname), for diagnostics.</summary>
    public static IReadOnlyDictionary<string, string> LoadedFrom
    {
        get
        {
            lock (s_lock)
            {
                return s_loaded.ToDictionary(kv => kv.Key, kv => kv.Value.Where);
            }
        }
    }

    /// <summary>Installs the resolver for this assembly once (idempotent, thread-safe).</summary>
    public static void Install()
    {
        lock (s_lock)
        {
            if (s_installed)
            {
                return;
            }
            NativeLibrary.SetDllImportResolver(typeof(CudaLibraryResolver).Assembly, Resolve);
            s_installed = true;
        }
    }

    /// <summary>Tries to load <paramref name="logicalName"/> (one of the internal names) and says where from or why not.</summary>
    public static bool TryLoad(string logicalName, out nint handle, out string whereOrWhy)
    {
        lock (s_lock)
        {
            if (s_loaded.TryGetValue(logicalName, out var done))
            {
                handle = done.Handle;
                whereOrWhy = done.Where;
                return true;
            }
        }
        if (!s_sonames.TryGetValue(logicalName, out var sonames))
        {
            handle = 0;
            whereOrWhy = $"unknown CUDA library '{logicalName}'";
            return false;
        }
        if (logicalName != Driver)
        {
            foreach (var dir in CandidateDirectories())
            {
                foreach (var so in sonames)
                {
                    string path = Path.Combine(dir, so);
                    if (File.Exists(path) && NativeLibrary.TryLoad(path, out handle))
                    {
                        return Remember(logicalName, handle, path, out whereOrWhy);
                    }
                }
            }
        }
        foreach (var so in sonames)
        {
            if (NativeLibrary.TryLoad(so, out handle))
            {
                return Remember(logicalName, handle, so, out whereOrWhy);
            }
        }
        handle = 0;
        whereOrWhy = $"none of {string.Join(", ", sonames)} could be loaded (searched LOCUS_CUDA_PATH, python site-packages nvidia/*/lib, CUDA_PATH/CUDA_HOME, /usr/local/cuda*, the system loader)";
        return false;
    }

    /// <summary>Folders searched before the system loader, in order (existing folders only).</summary>
    public static IEnumerable<string> CandidateDirectories()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in RawCandidates())
        {
            if (!string.IsNullOrEmpty(dir) && Directory.Exists(dir) && seen.Add(Path.GetFullPath(dir)))
            {
                yield return dir;
            }
        }
    }

    private static IEnumerable<string> RawCandidates()
    {
        foreach (var d in Split(Environment.GetEnvironmentVariable("LOCUS_CUDA_PATH")))
        {
            yield return d;
            yield return Path.Combine(d, "lib64");
            yield return Path.Combine(d, "lib");
        }
        foreach (var site in SiteRoots())
        {
            yield return Path.Combine(site, "nvidia", "cu13", "lib");
            string nv = Path.Combine(site, "nvidia");
            if (Directory.Exists(nv))
            {
                foreach (var sub in SafeDirs(nv).Order(StringComparer.Ordinal))
                {
                    yield return Path.Combine(sub, "lib");
                }
            }
        }
        foreach (var v in new[] { "CUDA_PATH", "CUDA_HOME" })
        {
            foreach (var d in Split(Environment.GetEnvironmentVariable(v)))
            {
                yield return Path.Combine(d, "lib64");
                yield return Path.Combine(d, "targets", "x86_64-linux", "lib");
                yield return Path.Combine(d, "lib");
            }
        }
        var locals = new List<string> { "/usr/local/cuda" };
        locals.AddRange(SafeDirs("/usr/local").Where(d => Path.GetFileName(d).StartsWith("cuda-", StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal));
        foreach (var d in locals)
        {
            yield return Path.Combine(d, "lib64");
            yield return Path.Combine(d, "targets", "x86_64-linux", "lib");
        }
    }

    private static IEnumerable<string> SiteRoots()
    {
        foreach (var d in Split(Environment.GetEnvironmentVariable("LOCUS_PYTHON_SITE")))
        {
            yield return d;
        }
        foreach (var pattern in new[] { ("/opt/torch/.venv/lib", "site-packages"), ("/usr/local/lib", "dist-packages"), ("/usr/local/lib", "site-packages") })
        {
            foreach (var py in SafeDirs(pattern.Item1).Where(d => Path.GetFileName(d).StartsWith("python3", StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal))
            {
                yield return Path.Combine(py, pattern.Item2);
            }
        }
        yield return "/usr/lib/python3/dist-packages";
    }

    private static string[] SafeDirs(string dir)
    {
        try
        {
            return Directory.Exists(dir) ? Directory.GetDirectories(dir) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool Remember(string name, nint handle, string where, out string whereOut)
    {
        lock (s_lock)
        {
            s_loaded[name] = (handle, where);
        }
        whereOut = where;
        return true;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!s_sonames.ContainsKey(libraryName))
        {
            return 0;
        }
        return TryLoad(libraryName, out var handle, out _) ? handle : 0;
    }
}
