using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Engine.Tests.Graph;

/// <summary>Host memory for <see cref="RecordingBackend"/>.</summary>
internal sealed class ByteBuffer(long length) : DeviceBuffer(length)
{
    public byte[] Bytes { get; } = new byte[length];

    protected override void Free()
    {
    }
}

/// <summary>
/// A fake backend that records every call. It computes a few F32 ops itself (Add without broadcasting,
/// Scale, Contiguous) by following each BoundTensor's strides, so tests can see that views resolve
/// to the right storage.
/// </summary>
internal sealed class RecordingBackend : IBackend
{
    public string Name => "recording";

    public List<Node> Executed { get; } = [];

    public List<(Node Node, BoundTensor[] Sources, BoundTensor Output)> Calls { get; } = [];

    public List<ByteBuffer> Allocations { get; } = [];

    public int UploadCount { get; private set; }

    public HashSet<OpKind> Unsupported { get; } = [];

    public DType PreferredActivationType => DType.F32;

    public DeviceBuffer Allocate(long byteLength)
    {
        var b = new ByteBuffer(byteLength);
        Allocations.Add(b);
        return b;
    }

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset)
    {
        UploadCount++;
        source.CopyTo(((ByteBuffer)destination).Bytes.AsSpan(checked((int)byteOffset)));
    }

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) =>
        ((ByteBuffer)source).Bytes.AsSpan(checked((int)byteOffset), destination.Length).CopyTo(destination);

    public bool Supports(Node node, out string? reason)
    {
        reason = Unsupported.Contains(node.Op) ? "not implemented in the fake" : null;
        return reason is null;
    }

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        Executed.Add(node);
        Calls.Add((node, sources.ToArray(), output));
        switch (node.Op)
        {
            case OpKind.Contiguous:
                Map(output, sources[0], (x, _) => x);
                break;
            case OpKind.Scale:
                var p = node.ParamsAs<ScaleParams>();
                Map(output, sources[0], (x, _) => (x * p.Scale) + p.Bias);
                break;
            case OpKind.Add when sources[0].Shape == sources[1].Shape:
                var b = sources[1];
                Map(output, sources[0], (x, i) => x + Element(b, i));
                break;
        }
    }

    public void Synchronize()
    {
    }

    public void Dispose()
    {
    }

    /// <summary>F32 element <paramref name="linear"/> (row-major logical order) of a bound tensor.</summary>
    public static float Element(BoundTensor t, long linear)
    {
        var bytes = ((ByteBuffer)t.Buffer).Bytes;
        long at = t.ByteOffset + (t.Layout.IndexOfLinear(linear) * 4);
        return MemoryMarshal.Read<float>(bytes.AsSpan(checked((int)at), 4));
    }

    private static void Map(BoundTensor output, BoundTensor source, Func<float, long, float> f)
    {
        var bytes = ((ByteBuffer)output.Buffer).Bytes;
        for (long i = 0; i < output.Shape.ElementCount; i++)
        {
            long at = output.ByteOffset + (output.Layout.IndexOfLinear(i) * 4);
            MemoryMarshal.Write(bytes.AsSpan(checked((int)at), 4), f(Element(source, i), i));
        }
    }
}
