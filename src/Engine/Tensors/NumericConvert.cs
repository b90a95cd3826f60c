using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Locus.Engine.Tensors;

/// <summary>Bulk conversions between dtype bytes and floats (little-endian).</summary>
public static class NumericConvert
{
    /// <summary>Widens <paramref name="source"/> bytes of <paramref name="dtype"/> to floats.</summary>
    public static void ToSingle(DType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case DType.F32:
                MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);
                break;
            case DType.BF16:
                {
                    var s = MemoryMarshal.Cast<byte, ushort>(source);
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BFloat16.BitsToSingle(s[i]);
                    }
                    break;
                }
            case DType.F16:
                {
                    var s = MemoryMarshal.Cast<byte, Half>(source);
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = (float)s[i];
                    }
                    break;
                }
            case DType.I32:
                {
                    var s = MemoryMarshal.Cast<byte, int>(source);
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = s[i];
                    }
                    break;
                }
            case DType.I64:
                {
                    var s = MemoryMarshal.Cast<byte, long>(source);
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = s[i];
                    }
                    break;
                }
            case DType.U8:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = source[i];
                }
                break;
            default:
                throw new NotSupportedException($"conversion from {dtype} to float is not supported");
        }
    }

    /// <summary>Narrows floats to <paramref name="dtype"/> bytes (RNE for bf16/f16, truncation toward zero for integers).</summary>
    public static void FromSingle(ReadOnlySpan<float> source, DType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case DType.F32:
                source.CopyTo(MemoryMarshal.Cast<byte, float>(destination));
                break;
            case DType.BF16:
                {
                    var d = MemoryMarshal.Cast<byte, ushort>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        d[i] = BFloat16.RoundBits(source[i]);
                    }
                    break;
                }
            case DType.F16:
                {
                    var d = MemoryMarshal.Cast<byte, Half>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        d[i] = (Half)source[i];
                    }
                    break;
                }
            case DType.I32:
                {
                    var d = MemoryMarshal.Cast<byte, int>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        d[i] = (int)source[i];
                    }
                    break;
                }
            case DType.I64:
                {
                    var d = MemoryMarshal.Cast<byte, long>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        d[i] = (long)source[i];
                    }
                    break;
                }
            case DType.U8:
                for (int i = 0; i < source.Length; i++)
                {
                    destination[i] = (byte)Math.Clamp(source[i], 0f, 255f);
                }
                break;
            default:
                throw new NotSupportedException($"conversion from float to {dtype} is not supported");
        }
    }

    /// <summary>Reads one element as float.</summary>
    public static float ReadSingle(DType dtype, ReadOnlySpan<byte> bytes, long index)
    {
        int size = dtype.SizeInBytes();
        var at = bytes.Slice(checked((int)(index * size)), size);
        return dtype switch
        {
            DType.F32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            DType.BF16 => BFloat16.BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at)),
            DType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(at),
            DType.I32 => BinaryPrimitives.ReadInt32LittleEndian(at),
            DType.I64 => BinaryPrimitives.ReadInt64LittleEndian(at),
            DType.U8 => at[0],
            _ => throw new NotSupportedException($"reading {dtype} as float is not supported"),
        };
    }
}
