using System.Runtime.CompilerServices;

namespace Locus.Engine.Tensors;

/// <summary>
/// bfloat16: the upper 16 bits of an IEEE-754 binary32. Conversion from float rounds to nearest,
/// ties to even; NaN stays NaN (quiet), infinities and signed zeros are kept, and subnormals are
/// rounded like any other value. Conversion to float is exact.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    /// <summary>The raw bits.</summary>
    public ushort Bits { get; }

    private BFloat16(ushort bits) => Bits = bits;

    /// <summary>Reinterprets raw bits as a bfloat16.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BFloat16 FromSingle(float value) => new(RoundBits(value));

    /// <summary>Round-to-nearest-even float → bf16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundBits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // NaN: keep sign and the top payload bits, force quiet so it cannot round to Inf.
            return (ushort)((bits >> 16) | 0x0040u);
        }
        uint lsb = (bits >> 16) & 1u;
        bits += 0x7FFFu + lsb;
        return (ushort)(bits >> 16);
    }

    /// <summary>Exact widening bf16 bits → float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BitsToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>The value as a float (exact).</summary>
    public float ToSingle() => BitsToSingle(Bits);

    public static explicit operator BFloat16(float value) => FromSingle(value);
    public static explicit operator float(BFloat16 value) => value.ToSingle();

    public bool Equals(BFloat16 other) => Bits == other.Bits;
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);
    public override int GetHashCode() => Bits;
    public override string ToString() => ToSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);
    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);
}
