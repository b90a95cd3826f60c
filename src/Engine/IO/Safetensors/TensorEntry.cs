using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Safetensors;

/// <summary>One tensor of a safetensors file.</summary>
/// <param name="Name">Tensor name (checkpoint key).</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Shape (row-major, dense).</param>
/// <param name="Offset">Absolute byte offset of the data in the file (8 + header length + begin).</param>
/// <param name="ByteLength">Bytes of data (element count × element size).</param>
public sealed record TensorEntry(string Name, DType DType, Shape Shape, long Offset, long ByteLength)
{
    /// <summary>Element count.</summary>
    public long ElementCount => Shape.ElementCount;
}
