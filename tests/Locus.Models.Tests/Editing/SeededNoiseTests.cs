using Locus.Engine.Tensors;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

public sealed class SeededNoiseTests
{
    [Fact]
    public void Normal_SameSeed_SameValues_OtherSeedDiffers()
    {
        var a = SeededNoise.Normal(new Shape(3, 5), 17);
        Assert.Equal(a.Data, SeededNoise.Normal(new Shape(3, 5), 17).Data);
        Assert.NotEqual(a.Data, SeededNoise.Normal(new Shape(3, 5), 18).Data);
    }

    [Fact]
    public void Normal_FirstValue_MatchesSplitMix64BoxMullerInDouble()
    {
        // Independent evaluation of the documented generator (SplitMix64 from state = seed, Box–Muller).
        ulong state = 1234;
        double U()
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) / 9007199254740992.0;
        }
        double u1 = U(), u2 = U();
        double r = Math.Sqrt(-2 * Math.Log(1 - u1));
        var v = SeededNoise.Normal(new Shape(2), 1234).ToFloatArray();
        Assert.Equal((float)(r * Math.Cos(2 * Math.PI * u2)), v[0]);
        Assert.Equal((float)(r * Math.Sin(2 * Math.PI * u2)), v[1]);
    }

    [Fact]
    public void Normal_LargeSample_HasUnitMoments()
    {
        var v = SeededNoise.Normal(new Shape(200_001), 99).ToFloatArray();
        double mean = v.Average(x => (double)x);
        double variance = v.Average(x => (x - mean) * (x - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }
}
