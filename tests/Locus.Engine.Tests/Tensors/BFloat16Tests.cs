using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Tensors;

/// <summary>
/// bf16 rounding checked against an independent oracle: the two bf16 neighbours of a float are
/// compared by exact double distances (the value past the largest finite bf16 counts as 2^128, as
/// IEEE rounding does), ties go to the even mantissa.
/// </summary>
public sealed class BFloat16Tests
{
    [Fact]
    public void RoundBits_RandomBitPatterns_MatchDoubleOracle()
    {
        var rng = new Random(20230828);
        for (int i = 0; i < 200_000; i++)
        {
            uint bits = (uint)rng.NextInt64(0, 1L << 32);
            float f = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(f))
            {
                continue;
            }
            Assert.Equal(Oracle(f), BFloat16.RoundBits(f));
        }
    }

    [Fact]
    public void RoundBits_ExactTies_GoToEven()
    {
        for (uint upper = 0x3F80; upper < 0x3FA0; upper++)
        {
            // Exactly halfway between bf16 `upper` and `upper + 1`.
            float tie = BitConverter.UInt32BitsToSingle((upper << 16) | 0x8000);
            ushort expected = (upper & 1) == 0 ? (ushort)upper : (ushort)(upper + 1);
            Assert.Equal(expected, BFloat16.RoundBits(tie));
            Assert.Equal(Oracle(tie), BFloat16.RoundBits(tie));
        }
    }

    [Theory]
    [InlineData(0x7FC00000u)]
    [InlineData(0x7F800001u)]
    [InlineData(0xFF800001u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x7F80FFFFu)]
    public void RoundBits_NaN_StaysNaNWithSign(uint bits)
    {
        float nan = BitConverter.UInt32BitsToSingle(bits);
        ushort r = BFloat16.RoundBits(nan);
        Assert.True(float.IsNaN(BFloat16.BitsToSingle(r)));
        Assert.Equal(bits >> 31, (uint)r >> 15);
    }

    [Fact]
    public void RoundBits_InfinitiesZerosAndOverflow()
    {
        Assert.Equal((ushort)0x7F80, BFloat16.RoundBits(float.PositiveInfinity));
        Assert.Equal((ushort)0xFF80, BFloat16.RoundBits(float.NegativeInfinity));
        Assert.Equal((ushort)0x0000, BFloat16.RoundBits(0f));
        Assert.Equal((ushort)0x8000, BFloat16.RoundBits(-0f));
        // float.MaxValue lies above the midpoint between bf16 max (0x7F7F) and 2^128, so it rounds to +Inf.
        Assert.Equal((ushort)0x7F80, BFloat16.RoundBits(float.MaxValue));
        Assert.Equal((ushort)0xFF80, BFloat16.RoundBits(-float.MaxValue));
        // Just below that midpoint stays finite.
        float belowMid = BitConverter.UInt32BitsToSingle(0x7F7F7FFF);
        Assert.Equal((ushort)0x7F7F, BFloat16.RoundBits(belowMid));
    }

    [Fact]
    public void RoundBits_Subnormals_RoundLikeOtherValues()
    {
        float smallest = float.Epsilon; // 2^-149, far below half a bf16 subnormal ulp (2^-134)
        Assert.Equal((ushort)0x0000, BFloat16.RoundBits(smallest));
        Assert.Equal((ushort)0x8000, BFloat16.RoundBits(-smallest));
        float sub = BitConverter.UInt32BitsToSingle(0x0001_8000); // tie between 0x0001 and 0x0002 -> even
        Assert.Equal((ushort)0x0002, BFloat16.RoundBits(sub));
        float sub2 = BitConverter.UInt32BitsToSingle(0x0000_8000); // tie between 0 and 0x0001 -> 0
        Assert.Equal((ushort)0x0000, BFloat16.RoundBits(sub2));
        Assert.Equal((ushort)0x0080, BFloat16.RoundBits(BitConverter.UInt32BitsToSingle(0x007F_FFFF))); // largest subnormal -> smallest normal
    }

    [Fact]
    public void BitsToSingle_EveryPattern_IsExactWidening()
    {
        for (int b = 0; b < 65536; b++)
        {
            float f = BFloat16.BitsToSingle((ushort)b);
            Assert.Equal((uint)b << 16, BitConverter.SingleToUInt32Bits(f));
            if (!float.IsNaN(f))
            {
                Assert.Equal((ushort)b, BFloat16.RoundBits(f));
            }
        }
    }

    /// <summary>Nearest bf16 by exact double distance; ties to even; the step past bf16 max is 2^128 (→ Inf).</summary>
    private static ushort Oracle(float f)
    {
        uint bits = BitConverter.SingleToUInt32Bits(f);
        uint sign = bits & 0x8000_0000u;
        double magnitude = Math.Abs((double)f);
        if (double.IsInfinity(magnitude))
        {
            return (ushort)((sign >> 16) | 0x7F80);
        }
        uint down = (bits & 0x7FFF_FFFFu) >> 16; // truncated magnitude bits
        uint up = down + 1;
        double lo = Value(down), hi = Value(up);
        double dLo = magnitude - lo, dHi = hi - magnitude;
        uint pick = dLo < dHi ? down : dHi < dLo ? up : (down & 1) == 0 ? down : up;
        return (ushort)((sign >> 16) | pick);

        static double Value(uint magnitudeBits) => magnitudeBits == 0x7F80 ? Math.Pow(2, 128) : BitConverter.UInt32BitsToSingle(magnitudeBits << 16);
    }
}
