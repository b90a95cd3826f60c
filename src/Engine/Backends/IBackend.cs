using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Engine.Backends;

/// <summary>
/// A device that runs graph nodes. One <c>switch (node.Op)</c> per backend; <see cref="Supports"/> says
/// which nodes it can run and why not.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Short name: "reference", "cpu", "cuda:0".</summary>
    string Name { get; }

    /// <summary>Allocates <paramref name="byteLength"/> bytes (zeroed is not promised).</summary>
    DeviceBuffer Allocate(long byteLength);

    /// <summary>Copies host bytes into the buffer at <paramref name="byteOffset"/>.</summary>
    void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset);

    /// <summary>Copies buffer bytes to the host.</summary>
    void Download(DeviceBuffer source, long byteOffset, Span<byte> destination);

    /// <summary>True if <see cref="Execute"/> can run the node; otherwise <paramref name="reason"/> says why.</summary>
    bool Supports(Node node, out string? reason);

    /// <summary>Runs one non-leaf, non-view node: reads <paramref name="sources"/>, writes <paramref name="output"/> (and <paramref name="aux"/> when the node has one).</summary>
    void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux);

    /// <summary>Waits until all queued work has finished.</summary>
    void Synchronize();

    /// <summary>Element types this backend keeps activations in by default (CPU: F32, CUDA: BF16).</summary>
    DType PreferredActivationType { get; }
}
