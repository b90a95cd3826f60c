using Locus.Engine.Tensors;

namespace Locus.Engine.Backends;

/// <summary>
/// A value placed in backend memory: the storage starts at <see cref="ByteOffset"/> in <see cref="Buffer"/>, and
/// element (i…) lives at ByteOffset + (Desc.Layout.Offset + Σ iₖ·strideₖ)·size.
/// </summary>
public readonly record struct BoundTensor(DeviceBuffer Buffer, long ByteOffset, TensorDesc Desc)
{
    public Shape Shape => Desc.Shape;

    public DType DType => Desc.DType;

    public Layout Layout => Desc.Layout;

    /// <summary>Byte offset of the first logical element.</summary>
    public long DataByteOffset => ByteOffset + Desc.Layout.Offset * Desc.DType.SizeInBytes();
}
