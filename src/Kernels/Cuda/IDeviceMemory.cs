namespace Locus.Kernels.Cuda;

/// <summary>
/// A buffer with a device address: <see cref="CudaBuffer"/>, or a stand-in buffer of a dry run
/// (<see cref="CudaKernelContext.DryRun"/>) whose addresses are never dereferenced.
/// </summary>
public interface IDeviceMemory
{
    /// <summary>Device address of byte 0.</summary>
    ulong DevicePointer { get; }
}
