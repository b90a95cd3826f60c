using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;

namespace Locus.Models.Tests.Bench;

/// <summary>The CPU backend, except that executing <paramref name="refused"/> throws NotSupportedException (a GPU without that kernel).</summary>
internal sealed class RefusingBackend(OpKind refused) : IBackend
{
    private readonly CpuBackend _inner = new();

    public string Name => $"cpu-without-{refused}";

    public DType PreferredActivationType => _inner.PreferredActivationType;

    public DeviceBuffer Allocate(long byteLength) => _inner.Allocate(byteLength);

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset) => _inner.Upload(source, destination, byteOffset);

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => _inner.Download(source, byteOffset, destination);

    public bool Supports(Node node, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Op == refused)
        {
            reason = $"no {refused} kernel";
            return false;
        }
        return _inner.Supports(node, out reason);
    }

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Op == refused)
        {
            throw new NotSupportedException($"{Name}: '{node.Name}' needs a {refused} kernel");
        }
        _inner.Execute(node, sources, output, aux);
    }

    public void Synchronize() => _inner.Synchronize();

    public void Dispose() => _inner.Dispose();
}
