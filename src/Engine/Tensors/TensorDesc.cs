namespace Locus.Engine.Tensors;

/// <summary>Element type plus layout of a value.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Layout">Shape, strides and offset.</param>
public readonly record struct TensorDesc(DType DType, Layout Layout)
{
    /// <summary>A contiguous tensor description.</summary>
    public TensorDesc(DType dtype, Shape shape)
        : this(dtype, new Layout(shape))
    {
    }

    /// <summary>The logical shape.</summary>
    public Shape Shape => Layout.Shape;

    /// <summary>Bytes of the dense data (element count × element size).</summary>
    public long ByteLength => Shape.ElementCount * DType.SizeInBytes();

    public override string ToString() => $"{DType.KernelSuffix()}{Layout}";
}
