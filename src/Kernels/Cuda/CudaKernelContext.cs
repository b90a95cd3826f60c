using System.Text;
using Locus.Engine.Backends;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>
/// What an op family's launchers need, handed to every <c>CudaXxxKernels.Register(table, ctx)</c>:
/// lazily loaded CUfunctions (<see cref="Function"/>), launches on the backend stream (<see cref="Launch(nint, LaunchConfig, KernelArguments)"/>),
/// device pointers of bound tensors (<see cref="Pointer"/>), scratch memory and the cuBLASLt handle.
/// Registration must not touch the device (an <see cref="Unbound"/> context builds the table without a GPU).
/// </summary>
public sealed unsafe partial class CudaKernelContext : IDisposable
{
    private readonly CudaContext? _context;
    private readonly Dictionary<string, nint> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), nint> _functions = new();
    private readonly Dictionary<int, CudaBuffer> _scratch = new();
    private readonly Lock _lock = new();

    /// <summary>A context bound to a device.</summary>
    public CudaKernelContext(CudaContext context, KernelCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        Cache = cache ?? new KernelCache();
    }

    private CudaKernelContext()
    {
        Cache = new KernelCache("");
    }

    /// <summary>A context with no device: registration works, any launch throws.</summary>
    public static CudaKernelContext Unbound() => new();

    /// <summary>The device context.</summary>
    /// <exception cref="InvalidOperationException">the context is unbound.</exception>
    public CudaContext Context => _context ?? throw new InvalidOperationException("this CUDA kernel context has no device (built for registration only)");

    /// <summary>The compute stream every launch goes to.</summary>
    public nint Stream => Context.Stream;

    /// <summary>The kernel image cache.</summary>
    public KernelCache Cache { get; }

    /// <summary>Device address of a bound tensor's first logical element: buffer pointer + DataByteOffset.</summary>
    /// <exception cref="ArgumentException">the tensor does not live in device memory (<see cref="IDeviceMemory"/>).</exception>
    public static ulong Pointer(BoundTensor t)
    {
        var buffer = t.Buffer as IDeviceMemory ?? throw new ArgumentException($"tensor {t.Desc} is in a {t.Buffer.GetType().Name}, not device memory", nameof(t));
        return buffer.DevicePointer + (ulong)t.DataByteOffset;
    }

    /// <summary>The CUfunction <paramref name="entry"/> of catalog module <paramref name="module"/> (compiled and loaded on first use).</summary>
    /// <exception cref="NvrtcException">the module failed to compile.</exception>
    /// <exception cref="CudaException">the module or function failed to load.</exception>
    public nint Function(string module, string entry)
    {
        if (IsDryRun)
        {
            return DryFunction(module, entry);
        }
        lock (_lock)
        {
            if (_functions.TryGetValue((module, entry), out var f))
            {
                return f;
            }
            nint mod = LoadModule(module);
            byte[] name = Encoding.UTF8.GetBytes(entry + "\0");
            nint fn;
            fixed (byte* p = name)
            {
                CudaException.Check(CuDriver.cuModuleGetFunction(&fn, mod, p), $"cuModuleGetFunction({module}.{entry})");
            }
            _functions[(module, entry)] = fn;
            return fn;
        }
    }

    /// <summary>Launches <paramref name="function"/> on <see cref="Stream"/> (asynchronous) and checks the launch status.</summary>
    /// <exception cref="CudaException">the launch was rejected.</exception>
    public void Launch(nint function, LaunchConfig config, KernelArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (IsDryRun)
        {
            DryLaunch(function, config, arguments);
            return;
        }
        var ctx = Context;
        ctx.MakeCurrent();
        nint stream = ctx.Stream;
        arguments.WithPointers(p => CudaException.Check(CuDriver.cuLaunchKernel(function, config.GridX, config.GridY, config.GridZ,
            config.BlockX, config.BlockY, config.BlockZ, config.SharedBytes, stream, (void**)p, null), $"cuLaunchKernel({config})"));
    }

    /// <summary>Looks up <paramref name="entry"/> in <paramref name="module"/> and launches it.</summary>
    public void Launch(string module, string entry, LaunchConfig config, KernelArguments arguments) =>
        Launch(Function(module, entry), config, arguments);

    /// <summary>A device scratch block of at least <paramref name="bytes"/> for call site <paramref name="slot"/>; valid until the next
    /// request for the same slot (launches are stream-ordered, so reuse by later launches is safe).</summary>
    public ulong Scratch(int slot, long bytes)
    {
        if (IsDryRun)
        {
            return DryScratch(slot, bytes);
        }
        lock (_lock)
        {
            if (!_scratch.TryGetValue(slot, out var b) || b.ByteLength < bytes)
            {
                if (b is not null)
                {
                    Context.Synchronize();
                    b.Dispose();
                }
                b = new CudaBuffer(Context, Math.Max(bytes, 256));
                _scratch[slot] = b;
            }
            return b.DevicePointer;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_context is null)
            {
                return;
            }
            _context.MakeCurrent();
            _ = CuDriver.cuStreamSynchronize(_context.Stream);
            DisposeBlas();
            foreach (var b in _scratch.Values)
            {
                b.Dispose();
            }
            _scratch.Clear();
            foreach (var m in _modules.Values)
            {
                _ = CuDriver.cuModuleUnload(m);
            }
            _modules.Clear();
            _functions.Clear();
        }
    }

    private nint LoadModule(string name)
    {
        if (_modules.TryGetValue(name, out var m))
        {
            return m;
        }
        var module = KernelCatalog.Get(name);
        Context.MakeCurrent();
        string arch = Context.Arch;
        var image = Cache.GetOrCompile(module, arch);
        int rc = Load(image, out m);
        if (rc != 0)
        {
            // A stale or corrupt cache file: drop it and compile again once.
            Cache.Evict(module, arch);
            image = Cache.GetOrCompile(module, arch);
            CudaException.Check(Load(image, out m), $"cuModuleLoadData({name}, {arch})");
        }
        _modules[name] = m;
        return m;
    }

    private static int Load(CompiledModule image, out nint module)
    {
        nint mod;
        int rc;
        fixed (byte* p = image.Image)
        {
            rc = CuDriver.cuModuleLoadData(&mod, p);
        }
        module = mod;
        return rc;
    }
}
