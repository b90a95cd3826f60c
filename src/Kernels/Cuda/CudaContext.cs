using System.Text;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>
/// One device: its primary context (shared with cuBLASLt), one non-blocking stream, and its properties.
/// The primary context is made current by <see cref="MakeCurrent"/>, which every backend entry point calls, so
/// any thread may use the backend (one at a time). Dispose releases the stream and the primary context.
/// </summary>
public sealed unsafe class CudaContext : IDisposable
{
    private bool _disposed;

    /// <summary>Initialises the driver and retains the primary context of device <paramref name="ordinal"/>.</summary>
    /// <exception cref="CudaException">cuInit or a device query failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">no device has that ordinal.</exception>
    public CudaContext(int ordinal = 0)
    {
        CudaLibraryResolver.Install();
        CudaException.Check(CuDriver.cuInit(0));
        int count;
        CudaException.Check(CuDriver.cuDeviceGetCount(&count));
        if (ordinal < 0 || ordinal >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), $"device ordinal {ordinal} is out of range: {count} CUDA device(s)");
        }
        int device, major, minor, sms, smem;
        CudaException.Check(CuDriver.cuDeviceGet(&device, ordinal));
        CudaException.Check(CuDriver.cuDeviceGetAttribute(&major, CuDriver.AttrComputeMajor, device));
        CudaException.Check(CuDriver.cuDeviceGetAttribute(&minor, CuDriver.AttrComputeMinor, device));
        CudaException.Check(CuDriver.cuDeviceGetAttribute(&sms, CuDriver.AttrMultiprocessorCount, device));
        CudaException.Check(CuDriver.cuDeviceGetAttribute(&smem, CuDriver.AttrMaxSharedOptin, device));
        byte* name = stackalloc byte[256];
        CudaException.Check(CuDriver.cuDeviceGetName(name, 256, device));
        nint ctx;
        CudaException.Check(CuDriver.cuDevicePrimaryCtxRetain(&ctx, device));
        Handle = ctx;
        CudaException.Check(CuDriver.cuCtxSetCurrent(ctx));
        nint stream;
        CudaException.Check(CuDriver.cuStreamCreate(&stream, 1));
        Stream = stream;
        Ordinal = ordinal;
        Device = device;
        ComputeCapability = (major, minor);
        MultiprocessorCount = sms;
        MaxSharedMemoryPerBlockOptin = smem;
        Name = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 256)).TrimEnd('\0');
    }

    /// <summary>Device ordinal.</summary>
    public int Ordinal { get; }

    /// <summary>CUdevice handle.</summary>
    public int Device { get; }

    /// <summary>Primary context handle.</summary>
    public nint Handle { get; }

    /// <summary>The backend's compute stream (non-blocking).</summary>
    public nint Stream { get; }

    /// <summary>Compute capability, e.g. (9, 0).</summary>
    public (int Major, int Minor) ComputeCapability { get; }

    /// <summary>NVRTC target for this device's CUBINs, e.g. sm_90.</summary>
    public string Arch => $"sm_{ComputeCapability.Major}{ComputeCapability.Minor}";

    /// <summary>Number of SMs.</summary>
    public int MultiprocessorCount { get; }

    /// <summary>Largest opt-in dynamic shared memory per block (bytes).</summary>
    public int MaxSharedMemoryPerBlockOptin { get; }

    /// <summary>Device name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string Name { get; }

    /// <summary>Makes the primary context current on the calling thread.</summary>
    /// <exception cref="ObjectDisposedException">the context was disposed.</exception>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CudaException.Check(CuDriver.cuCtxSetCurrent(Handle));
    }

    /// <summary>Blocks until the stream is idle.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        CudaException.Check(CuDriver.cuStreamSynchronize(Stream));
    }

    /// <summary>Free and total device memory in bytes.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        nuint free, total;
        CudaException.Check(CuDriver.cuMemGetInfo(&free, &total));
        return ((long)free, (long)total);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _ = CuDriver.cuCtxSetCurrent(Handle);
        _ = CuDriver.cuStreamSynchronize(Stream);
        _ = CuDriver.cuStreamDestroy(Stream);
        _ = CuDriver.cuDevicePrimaryCtxRelease(Device);
        _disposed = true;
    }

    public override string ToString() => $"cuda:{Ordinal} {Name} (sm_{ComputeCapability.Major}{ComputeCapability.Minor}, {MultiprocessorCount} SMs)";
}
