using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu;

/// <summary>Memory management shared by the host backends (reference and CPU): <see cref="CpuBuffer"/> allocation and copies.</summary>
public abstract class HostBackendBase : IBackend
{
    public abstract string Name { get; }

    public DType PreferredActivationType => DType.F32;

    public DeviceBuffer Allocate(long byteLength) => new CpuBuffer(byteLength);

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset) =>
        source.CopyTo(AsCpu(destination).Bytes(byteOffset, source.Length));

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) =>
        AsCpu(source).Bytes(byteOffset, destination.Length).CopyTo(destination);

    public abstract bool Supports(Node node, out string? reason);

    public abstract void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux);

    public void Synchronize()
    {
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private static CpuBuffer AsCpu(DeviceBuffer buffer) =>
        buffer as CpuBuffer ?? throw new ArgumentException($"{buffer.GetType().Name} is not host memory", nameof(buffer));
}
