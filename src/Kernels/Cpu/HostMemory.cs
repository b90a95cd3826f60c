using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu;

/// <summary>Span access to bound tensors in <see cref="CpuBuffer"/>s, plus dtype-widening gathers for kernels that compute in f32.</summary>
public static class HostMemory
{
    /// <summary>The storage of a bound tensor from its first element to the end of its layout's extent, as elements of T.</summary>
    public static Span<T> Storage<T>(BoundTensor t)
        where T : unmanaged
    {
        var buffer = t.Buffer as CpuBuffer ?? throw new ArgumentException($"tensor is in a {t.Buffer.GetType().Name}, not host memory", nameof(t));
        int size = t.DType.SizeInBytes();
        long bytes = t.Layout.StorageExtent * size;
        return MemoryMarshal.Cast<byte, T>(buffer.Bytes(t.ByteOffset, bytes));
    }

    /// <summary>Dense elements of a contiguous tensor as T (throws if the layout is strided).</summary>
    public static Span<T> Dense<T>(BoundTensor t)
        where T : unmanaged
    {
        if (!t.Layout.IsContiguous)
        {
            throw new ArgumentException($"tensor {t.Desc} is not contiguous", nameof(t));
        }
        return Storage<T>(t).Slice(checked((int)t.Layout.Offset), checked((int)t.Shape.ElementCount));
    }

    /// <summary>All elements in logical row-major order, widened to float (any dtype, any layout).</summary>
    public static float[] ReadFloats(BoundTensor t)
    {
        var buffer = t.Buffer as CpuBuffer ?? throw new ArgumentException("tensor is not in host memory", nameof(t));
        int size = t.DType.SizeInBytes();
        var storage = buffer.Bytes(t.ByteOffset, t.Layout.StorageExtent * size);
        long count = t.Shape.ElementCount;
        var result = new float[count];
        if (t.Layout.IsContiguous)
        {
            NumericConvert.ToSingle(t.DType, storage.Slice((int)(t.Layout.Offset * size)), result);
            return result;
        }
        for (long e = 0; e < count; e++)
        {
            result[e] = NumericConvert.ReadSingle(t.DType, storage, t.Layout.IndexOfLinear(e));
        }
        return result;
    }

    /// <summary>Writes floats (row-major) into a contiguous tensor, narrowing to its dtype.</summary>
    public static void WriteFloats(BoundTensor t, ReadOnlySpan<float> values)
    {
        if (values.Length != t.Shape.ElementCount)
        {
            throw new ArgumentException($"{values.Length} values for {t.Desc}", nameof(values));
        }
        if (!t.Layout.IsContiguous)
        {
            throw new ArgumentException($"output {t.Desc} is not contiguous", nameof(t));
        }
        var buffer = t.Buffer as CpuBuffer ?? throw new ArgumentException("tensor is not in host memory", nameof(t));
        int size = t.DType.SizeInBytes();
        NumericConvert.FromSingle(values, t.DType, buffer.Bytes(t.DataByteOffset, values.Length * (long)size));
    }

    /// <summary>Reads an I32 tensor (contiguous or not) as ints.</summary>
    public static int[] ReadInts(BoundTensor t)
    {
        if (t.DType != DType.I32)
        {
            return ReadFloats(t).Select(f => (int)f).ToArray();
        }
        var s = Storage<int>(t);
        var result = new int[t.Shape.ElementCount];
        for (long e = 0; e < result.LongLength; e++)
        {
            result[e] = s[(int)t.Layout.IndexOfLinear(e)];
        }
        return result;
    }
}
