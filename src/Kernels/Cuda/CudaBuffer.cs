using Locus.Engine.Backends;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>Device memory from cuMemAlloc_v2, freed by cuMemFree_v2 on Dispose (never from a finalizer).</summary>
public sealed unsafe class CudaBuffer : DeviceBuffer, IDeviceMemory
{
    private readonly CudaContext _context;
    private ulong _pointer;

    /// <summary>Allocates <paramref name="byteLength"/> bytes on the context's device (not zeroed).</summary>
    /// <exception cref="CudaOutOfMemoryException">the device is out of memory.</exception>
    public CudaBuffer(CudaContext context, long byteLength)
        : base(byteLength)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        context.MakeCurrent();
        ulong p;
        int rc = CuDriver.cuMemAlloc(&p, (nuint)Math.Max(byteLength, 1));
        if (rc == CuDriver.ErrorOutOfMemory)
        {
            var (free, total) = SafeInfo(context);
            throw new CudaOutOfMemoryException("cuMemAlloc_v2", $"cannot allocate {byteLength:N0} bytes on {context.Name}: out of memory ({free:N0} of {total:N0} bytes free)");
        }
        CudaException.Check(rc, "cuMemAlloc_v2");
        _pointer = p;
    }

    /// <summary>Device address of byte 0.</summary>
    public ulong DevicePointer
    {
        get
        {
            ThrowIfDisposed();
            return _pointer;
        }
    }

    /// <summary>The owning context.</summary>
    public CudaContext Context => _context;

    protected override void Free()
    {
        if (_pointer != 0)
        {
            _ = CuDriver.cuCtxSetCurrent(_context.Handle);
            _ = CuDriver.cuMemFree(_pointer);
            _pointer = 0;
        }
    }

    private static (long, long) SafeInfo(CudaContext context)
    {
        try
        {
            return context.MemoryInfo();
        }
        catch (CudaException)
        {
            return (-1, -1);
        }
    }
}
