using System.Runtime.InteropServices;

namespace Locus.Engine.Tensors;

/// <summary>
/// A dense, row-major tensor in managed memory: inputs and outputs of graphs, fixtures, dumps.
/// Data are little-endian bytes of <see cref="DType"/>.
/// </summary>
public sealed class HostTensor
{
    /// <summary>Wraps existing bytes (not copied); their length must equal shape × dtype size.</summary>
    public HostTensor(DType dtype, Shape shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long expected = shape.ElementCount * dtype.SizeInBytes();
        if (data.LongLength != expected)
        {
            throw new ArgumentException($"{data.LongLength} bytes for {dtype.SafetensorsName()} {shape}, expected {expected}", nameof(data));
        }
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>A zero-filled tensor.</summary>
    public HostTensor(DType dtype, Shape shape)
        : this(dtype, shape, new byte[checked(shape.ElementCount * dtype.SizeInBytes())])
    {
    }

    public DType DType { get; }
    public Shape Shape { get; }
    public byte[] Data { get; }

    /// <summary>Element count.</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>Description of this (contiguous) tensor.</summary>
    public TensorDesc Desc => new(DType, Shape);

    /// <summary>Creates an F32 tensor that owns a copy of <paramref name="values"/>.</summary>
    public static HostTensor FromFloats(Shape shape, ReadOnlySpan<float> values)
    {
        var t = new HostTensor(DType.F32, shape);
        if (values.Length != shape.ElementCount)
        {
            throw new ArgumentException($"{values.Length} values for shape {shape}", nameof(values));
        }
        values.CopyTo(t.AsSpan<float>());
        return t;
    }

    /// <summary>Creates a tensor of <paramref name="dtype"/> by rounding float values (RNE for bf16/f16).</summary>
    public static HostTensor FromFloats(DType dtype, Shape shape, ReadOnlySpan<float> values)
    {
        var f = FromFloats(shape, values);
        return dtype == DType.F32 ? f : f.ConvertTo(dtype);
    }

    /// <summary>Reinterprets the bytes as elements of <typeparamref name="T"/>.</summary>
    public Span<T> AsSpan<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data.AsSpan());

    /// <summary>Values widened to float (F32/F16/BF16/I32/I64/U8).</summary>
    public float[] ToFloatArray()
    {
        var result = new float[ElementCount];
        NumericConvert.ToSingle(DType, Data, result);
        return result;
    }

    /// <summary>A converted copy (float types round to nearest even).</summary>
    public HostTensor ConvertTo(DType dtype)
    {
        if (dtype == DType)
        {
            return new HostTensor(DType, Shape, (byte[])Data.Clone());
        }
        var result = new HostTensor(dtype, Shape);
        NumericConvert.FromSingle(ToFloatArray(), dtype, result.Data);
        return result;
    }

    /// <summary>Same data, new shape of equal element count.</summary>
    public HostTensor Reshape(Shape shape)
    {
        if (shape.ElementCount != Shape.ElementCount)
        {
            throw new ArgumentException($"cannot reshape {Shape} to {shape}", nameof(shape));
        }
        return new HostTensor(DType, shape, Data);
    }

    public override string ToString() => $"HostTensor({DType.SafetensorsName()} {Shape})";
}
