using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>
/// The NVIDIA GPU backend: NVRTC-compiled kernels (lazy, disk-cached) and cuBLASLt on one stream of the device's primary
/// context. Runs F32 graphs (parity) and BF16 graphs (the default activation type). Execute only enqueues; Download and
/// <see cref="Synchronize"/> wait for the stream.
/// </summary>
public sealed unsafe class CudaBackend : IBackend
{
    private readonly CudaContext _context;
    private readonly CudaKernelContext _kernels;
    private bool _disposed;

    /// <summary>Opens device <paramref name="ordinal"/>.</summary>
    /// <exception cref="CudaException">no usable driver or device (check <see cref="IsAvailable"/> first).</exception>
    public CudaBackend(int ordinal = 0)
    {
        if (!IsAvailable(out string reason))
        {
            throw new CudaException("CUDA backend unavailable: " + reason);
        }
        _context = new CudaContext(ordinal);
        _kernels = new CudaKernelContext(_context);
        Table = BuildTable(_kernels);
        Name = $"cuda:{ordinal}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public DType PreferredActivationType => DType.BF16;

    /// <summary>The device context.</summary>
    public CudaContext Context => _context;

    /// <summary>What launchers use (functions, stream, cuBLASLt).</summary>
    public CudaKernelContext Kernels => _kernels;

    /// <summary>This backend's op → kernel table.</summary>
    public KernelTable Table { get; }

    /// <summary>
    /// True when the driver loads, cuInit succeeds, a device exists and NVRTC loads; otherwise <paramref name="reason"/>
    /// says why (never throws). <c>LOCUS_DEVICE=cpu</c> forces false.
    /// </summary>
    public static bool IsAvailable(out string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("LOCUS_DEVICE"), "cpu", StringComparison.OrdinalIgnoreCase))
        {
            reason = "LOCUS_DEVICE=cpu forces the CPU backend";
            return false;
        }
        try
        {
            CudaLibraryResolver.Install();
            if (!CudaLibraryResolver.TryLoad(CudaLibraryResolver.Driver, out _, out string where))
            {
                reason = "no CUDA driver: " + where;
                return false;
            }
            int rc = CuDriver.cuInit(0);
            if (rc != 0)
            {
                reason = $"cuInit failed with {CudaException.Create(rc, "cuInit").Message} (driver {where})";
                return false;
            }
            int count;
            rc = CuDriver.cuDeviceGetCount(&count);
            if (rc != 0 || count == 0)
            {
                reason = rc != 0 ? CudaException.Create(rc, "cuDeviceGetCount").Message : "the CUDA driver reports no devices";
                return false;
            }
            if (!NvrtcCompiler.IsAvailable(out string nvrtc))
            {
                reason = nvrtc;
                return false;
            }
            reason = $"{count} device(s), driver {where}, {nvrtc}";
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            reason = $"CUDA libraries unusable: {e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>Fills a table with every family's kernels (does not touch the device; usable with <see cref="CudaKernelContext.Unbound"/>).</summary>
    public static KernelTable BuildTable(CudaKernelContext kernels)
    {
        var table = new KernelTable();
        CudaCoreKernels.Register(table, kernels);
        CudaMatrixKernels.Register(table, kernels);
        CudaEditingKernels.Register(table, kernels);
        CudaAttentionKernels.Register(table, kernels);
        return table;
    }

    /// <inheritdoc/>
    public DeviceBuffer Allocate(long byteLength) => new CudaBuffer(_context, byteLength);

    /// <inheritdoc/>
    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset)
    {
        var dst = Checked(destination, byteOffset, source.Length, nameof(destination));
        _context.MakeCurrent();
        CudaException.Check(CuDriver.cuStreamSynchronize(_context.Stream));
        // SAFETY: the span is pinned for the copy, which completes before the stream synchronisation returns.
        fixed (byte* p = source)
        {
            CudaException.Check(CuDriver.cuMemcpyHtoDAsync(dst, p, (nuint)source.Length, _context.Stream));
            CudaException.Check(CuDriver.cuStreamSynchronize(_context.Stream));
        }
    }

    /// <inheritdoc/>
    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        var src = Checked(source, byteOffset, destination.Length, nameof(source));
        _context.MakeCurrent();
        // SAFETY: the span is pinned for the copy, which completes before the stream synchronisation returns.
        fixed (byte* p = destination)
        {
            CudaException.Check(CuDriver.cuMemcpyDtoHAsync(p, src, (nuint)destination.Length, _context.Stream));
            CudaException.Check(CuDriver.cuStreamSynchronize(_context.Stream));
        }
    }

    /// <inheritdoc/>
    public bool Supports(Node node, out string? reason) => Table.Supports(node, out reason);

    /// <inheritdoc/>
    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context.MakeCurrent();
        Table.Execute(node, sources, output, aux);
    }

    /// <inheritdoc/>
    public void Synchronize() => _context.Synchronize();

    public void Dispose()
    {
        if (!_disposed)
        {
            _kernels.Dispose();
            _context.Dispose();
            _disposed = true;
        }
    }

    private static ulong Checked(DeviceBuffer buffer, long offset, long length, string name)
    {
        var b = buffer as CudaBuffer ?? throw new ArgumentException($"{buffer.GetType().Name} is not CUDA device memory", name);
        if (offset < 0 || offset + length > b.ByteLength)
        {
            throw new ArgumentOutOfRangeException(name, $"range [{offset}, {offset + length}) outside a {b.ByteLength}-byte device buffer");
        }
        return b.DevicePointer + (ulong)offset;
    }
}
