using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;

namespace Locus.Models.Tests.Editing;

/// <summary>The CPU backend, recording every buffer it allocates (to check that buffers are released).</summary>
internal sealed class TrackingBackend : IBackend
{
    private readonly CpuBackend _inner = new();
    private readonly List<DeviceBuffer> _buffers = [];

    public string Name => "tracking-cpu";

    public DType PreferredActivationType => _inner.PreferredActivationType;

    /// <summary>Buffers allocated and not yet disposed.</summary>
    public IReadOnlyList<DeviceBuffer> Live
    {
        get
        {
            lock (_buffers)
            {
                return _buffers.Where(b => !b.IsDisposed).ToArray();
            }
        }
    }

    public DeviceBuffer Allocate(long byteLength)
    {
        var b = _inner.Allocate(byteLength);
        lock (_buffers)
        {
            _buffers.Add(b);
        }
        return b;
    }

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset) => _inner.Upload(source, destination, byteOffset);

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => _inner.Download(source, byteOffset, destination);

    public bool Supports(Node node, out string? reason) => _inner.Supports(node, out reason);

    /// <summary>Called before every node runs (tests cancel mid-graph from here).</summary>
    public Action<Node>? OnExecute { get; set; }

    /// <summary>Bytes held by <see cref="Live"/>.</summary>
    public long LiveBytes => Live.Sum(b => b.ByteLength);

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        OnExecute?.Invoke(node);
        _inner.Execute(node, sources, output, aux);
    }

    public void Synchronize() => _inner.Synchronize();

    public void Dispose() => _inner.Dispose();
}
