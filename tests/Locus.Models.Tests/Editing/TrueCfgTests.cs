using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

public sealed class TrueCfgTests
{
    private static readonly float[] Pos = [1f, 2f, -1f, 0.5f, 3f, -2f];
    private static readonly float[] Neg = [0.5f, 1f, 0f, 1f, -1f, 2f];

    [Fact]
    public void Combine_NoRescale_IsNegPlusScaledDifference()
    {
        var v = (float[])Pos.Clone();
        TrueCfg.Combine(v, Neg, 4f, 3, normRescale: false);
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(Neg[i] + (4.0 * (Pos[i] - Neg[i])), v[i], 5);
        }
    }

    [Fact]
    public void Combine_NormRescale_KeepsPositiveNormPerTokenAndCombDirection()
    {
        var v = (float[])Pos.Clone();
        TrueCfg.Combine(v, Neg, 4f, 3, normRescale: true);
        for (int t = 0; t < 2; t++)
        {
            double[] comb = Enumerable.Range(t * 3, 3).Select(i => Neg[i] + (4.0 * (Pos[i] - Neg[i]))).ToArray();
            double posNorm = Math.Sqrt(Enumerable.Range(t * 3, 3).Sum(i => (double)Pos[i] * Pos[i]));
            double combNorm = Math.Sqrt(comb.Sum(x => x * x));
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(comb[c] * posNorm / combNorm, v[(t * 3) + c], 5);
            }
        }
    }

    [Fact]
    public void Combine_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrueCfg.Combine(new float[6], new float[3], 2f, 3, false));
        Assert.Throws<ArgumentException>(() => TrueCfg.Combine(new float[5], new float[5], 2f, 3, false));
    }
}
