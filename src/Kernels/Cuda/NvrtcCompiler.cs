using System.Diagnostics;
using System.Text;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Compiles CUDA C++ with NVRTC. <c>sm_XX</c> targets give a CUBIN, <c>compute_XX</c> a NUL-terminated PTX image
/// (both loadable by cuModuleLoadData). Thread-safe (one NVRTC program per call). Works without a GPU.
/// </summary>
public static unsafe class NvrtcCompiler
{
    /// <summary>Options always passed (before the caller's). Not --generate-line-info: with NVRTC 11.8 it makes sm_90 CUBIN compilation recurse until the stack overflows.</summary>
    public static IReadOnlyList<string> DefaultOptions { get; } = ["--std=c++17", "-default-device"];

    /// <summary>True when libnvrtc loads; otherwise <paramref name="reason"/> says why.</summary>
    public static bool IsAvailable(out string reason)
    {
        CudaLibraryResolver.Install();
        if (!CudaLibraryResolver.TryLoad(CudaLibraryResolver.Nvrtc, out _, out reason))
        {
            reason = "NVRTC not found: " + reason;
            return false;
        }
        try
        {
            var v = Version;
            reason = $"NVRTC {v.Major}.{v.Minor} from {reason}";
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or NvrtcException)
        {
            reason = "NVRTC unusable: " + e.Message;
            return false;
        }
    }

    /// <summary>NVRTC version (major, minor).</summary>
    /// <exception cref="NvrtcException">nvrtcVersion failed.</exception>
    public static (int Major, int Minor) Version
    {
        get
        {
            CudaLibraryResolver.Install();
            int major, minor;
            Check(Nvrtc.nvrtcVersion(&major, &minor), "nvrtcVersion", "");
            return (major, minor);
        }
    }

    /// <summary>Architectures this NVRTC can target (e.g. 80, 90), or empty if the query is missing.</summary>
    public static IReadOnlyList<int> SupportedArchs()
    {
        CudaLibraryResolver.Install();
        try
        {
            int n;
            Check(Nvrtc.nvrtcGetNumSupportedArchs(&n), "nvrtcGetNumSupportedArchs", "");
            var archs = new int[n];
            fixed (int* p = archs)
            {
                Check(Nvrtc.nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs", "");
            }
            return archs;
        }
        catch (EntryPointNotFoundException)
        {
            return [];
        }
    }

    /// <summary>Compiles <paramref name="source"/> for <paramref name="arch"/> (sm_90, compute_80, ...).</summary>
    /// <param name="source">Full CUDA C++ source (no toolkit includes).</param>
    /// <param name="name">Program name used in diagnostics (e.g. "core.cu").</param>
    /// <param name="arch">Target: sm_XX → CUBIN; compute_XX → PTX.</param>
    /// <param name="extraOptions">Options after <see cref="DefaultOptions"/> (e.g. -D macros, --ptxas-options=-v).</param>
    /// <exception cref="ArgumentException">arch is not sm_NN/sm_NNa/compute_NN.</exception>
    /// <exception cref="NvrtcException">compilation failed; the log is attached.</exception>
    public static CompiledModule Compile(string source, string name, string arch, IEnumerable<string>? extraOptions = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ParseArch(arch);
        // NVRTC runs ptxas in-process for sm_XX targets, which overflows small thread stacks (seen with NVRTC 11.8 on
        // 1.5–8 MiB stacks): compile on a dedicated thread with a 256 MiB stack.
        CompiledModule? result = null;
        Exception? error = null;
        var list = extraOptions?.ToArray();
        var thread = new Thread(() =>
        {
            try
            {
                result = CompileOnThisThread(source, name, arch, list);
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 256 << 20)
        { IsBackground = true, Name = "nvrtc " + name };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
        return result!;
    }

    private static CompiledModule CompileOnThisThread(string source, string name, string arch, string[]? extraOptions)
    {
        bool cubin = ParseArch(arch);
        CudaLibraryResolver.Install();
        var options = new List<string>(DefaultOptions) { "--gpu-architecture=" + arch };
        if (extraOptions is not null)
        {
            options.AddRange(extraOptions);
        }
        var sw = Stopwatch.StartNew();
        nint program = 0;
        byte[] src = Zero(source), nm = Zero(name);
        byte[][] opts = options.Select(Zero).ToArray();
        // SAFETY: every byte[] is pinned for the duration of the NVRTC call that reads it; the program is destroyed in finally.
        fixed (byte* ps = src, pn = nm)
        {
            Check(Nvrtc.nvrtcCreateProgram(&program, ps, pn, 0, null, null), "nvrtcCreateProgram", name);
        }
        try
        {
            var handles = opts.Select(o => System.Runtime.InteropServices.GCHandle.Alloc(o, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
            int rc;
            try
            {
                byte** ptrs = stackalloc byte*[opts.Length];
                for (int i = 0; i < opts.Length; i++)
                {
                    ptrs[i] = (byte*)handles[i].AddrOfPinnedObject();
                }
                rc = Nvrtc.nvrtcCompileProgram(program, opts.Length, ptrs);
            }
            finally
            {
                foreach (var h in handles)
                {
                    h.Free();
                }
            }
            string log = Log(program);
            if (rc != 0)
            {
                throw new NvrtcException($"NVRTC failed to compile {name} for {arch}: {Nvrtc.ErrorText(rc)} ({rc})", log);
            }
            byte[] image;
            nuint size;
            if (cubin)
            {
                Check(Nvrtc.nvrtcGetCUBINSize(program, &size), "nvrtcGetCUBINSize", name);
                image = new byte[size];
                fixed (byte* p = image)
                {
                    Check(Nvrtc.nvrtcGetCUBIN(program, p), "nvrtcGetCUBIN", name);
                }
            }
            else
            {
                Check(Nvrtc.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize", name);
                image = new byte[size];
                fixed (byte* p = image)
                {
                    Check(Nvrtc.nvrtcGetPTX(program, p), "nvrtcGetPTX", name);
                }
            }
            return new CompiledModule(name, arch, image, cubin, log, sw.Elapsed);
        }
        finally
        {
            _ = Nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    /// <summary>True for a CUBIN target (sm_XX), false for PTX (compute_XX).</summary>
    /// <exception cref="ArgumentException">the arch is malformed.</exception>
    public static bool ParseArch(string arch)
    {
        ArgumentNullException.ThrowIfNull(arch);
        if (arch.StartsWith("sm_", StringComparison.Ordinal) && arch.Length >= 5 && arch[3..].TrimEnd('a').All(char.IsAsciiDigit))
        {
            return true;
        }
        if (arch.StartsWith("compute_", StringComparison.Ordinal) && arch.Length >= 10 && arch[8..].TrimEnd('a').All(char.IsAsciiDigit))
        {
            return false;
        }
        throw new ArgumentException($"arch '{arch}' must look like sm_90, sm_90a or compute_80", nameof(arch));
    }

    private static string Log(nint program)
    {
        nuint size;
        if (Nvrtc.nvrtcGetProgramLogSize(program, &size) != 0 || size <= 1)
        {
            return "";
        }
        var buf = new byte[size];
        fixed (byte* p = buf)
        {
            if (Nvrtc.nvrtcGetProgramLog(program, p) != 0)
            {
                return "";
            }
        }
        return Encoding.UTF8.GetString(buf, 0, (int)size - 1);
    }

    private static byte[] Zero(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static void Check(int rc, string call, string name)
    {
        if (rc != 0)
        {
            throw new NvrtcException($"{call}({name}) failed: {Nvrtc.ErrorText(rc)} ({rc})", "");
        }
    }
}
