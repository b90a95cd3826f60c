using System.Collections.Concurrent;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Compiled module images per (module, arch): in memory, then on disk under <c>$LOCUS_CACHE_DIR</c> (or
/// <c>~/.cache/locus/kernels</c>), keyed by SHA-256 of source + arch + options + NVRTC version. A corrupt or unreadable
/// cache file is ignored and recompiled. Compilation is lazy (first use of a module).
/// </summary>
public sealed class KernelCache
{
    private readonly ConcurrentDictionary<(string Module, string Arch), CompiledModule> _memory = new();

    /// <summary>Uses <paramref name="directory"/> (null → the default folder; "" → no disk cache).</summary>
    public KernelCache(string? directory = null)
    {
        Directory = directory ?? DefaultDirectory();
    }

    /// <summary>The on-disk cache folder ("" when disabled).</summary>
    public string Directory { get; }

    /// <summary>Default folder: $LOCUS_CACHE_DIR, else $XDG_CACHE_HOME/locus/kernels, else ~/.cache/locus/kernels.</summary>
    public static string DefaultDirectory()
    {
        string? env = Environment.GetEnvironmentVariable("LOCUS_CACHE_DIR");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env;
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "locus", "kernels");
    }

    /// <summary>The cache key of a module for an arch (hex SHA-256).</summary>
    public static string Key(KernelModule module, string arch)
    {
        ArgumentNullException.ThrowIfNull(module);
        var v = NvrtcCompiler.Version;
        string text = string.Join('\n', KernelSources.Get(module.SourceFile), arch,
            string.Join(' ', NvrtcCompiler.DefaultOptions.Concat(module.Options ?? [])), $"nvrtc {v.Major}.{v.Minor}");
        return KernelSources.Hash(text);
    }

    /// <summary>Returns the compiled image, from memory, disk or NVRTC (then written to disk).</summary>
    /// <exception cref="NvrtcException">compilation failed (the log is attached).</exception>
    public CompiledModule GetOrCompile(KernelModule module, string arch)
    {
        ArgumentNullException.ThrowIfNull(module);
        return _memory.GetOrAdd((module.Name, arch), _ => Load(module, arch));
    }

    /// <summary>Forgets a module (e.g. after the driver rejected a cached image) and deletes its disk file.</summary>
    public void Evict(KernelModule module, string arch)
    {
        ArgumentNullException.ThrowIfNull(module);
        _memory.TryRemove((module.Name, arch), out _);
        if (Directory.Length > 0)
        {
            TryDelete(PathFor(module, arch, Key(module, arch)));
        }
    }

    private CompiledModule Load(KernelModule module, string arch)
    {
        bool cubin = NvrtcCompiler.ParseArch(arch);
        string key = Key(module, arch);
        string path = Directory.Length > 0 ? PathFor(module, arch, key) : "";
        if (path.Length > 0 && File.Exists(path))
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length > 0)
                {
                    return new CompiledModule(module.SourceFile, arch, bytes, cubin, "", TimeSpan.Zero);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // fall through: recompile
            }
        }
        var compiled = NvrtcCompiler.Compile(KernelSources.Get(module.SourceFile), module.SourceFile, arch, module.Options);
        if (path.Length > 0)
        {
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                string tmp = path + "." + Environment.ProcessId + ".tmp";
                File.WriteAllBytes(tmp, compiled.Image);
                File.Move(tmp, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a read-only cache is not an error
            }
        }
        return compiled;
    }

    private string PathFor(KernelModule module, string arch, string key) =>
        Path.Combine(Directory, $"{module.Name}-{arch}-{key[..16]}.{(NvrtcCompiler.ParseArch(arch) ? "cubin" : "ptx")}");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ignore
        }
    }
}
