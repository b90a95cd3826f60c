using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>
/// The CUDA timestep embedding computes freq_k = (float)exp((double)e_k) (a correctly rounded expf); the reference uses
/// MathF.Exp(e_k). They agree only if MathF.Exp is correctly rounded at every exponent the parity cases and models use.
/// </summary>
public sealed class TimestepFrequencyTests
{
    [Theory]
    [InlineData(256, 0f, 10000f)]   // Flux / Qwen (parity case dim=256)
    [InlineData(32, 1f, 10000f)]    // parity case with shift 1
    [InlineData(6, 0f, 100f)]       // parity case with max_period 100
    [InlineData(320, 1f, 10000f)]   // SD-style shift 1
    public void MathFExp_FrequencyExponents_EqualsDoubleExpRoundedOnce(int dim, float shift, float maxPeriod)
    {
        int half = dim / 2;
        var mismatches = new List<string>();
        for (int k = 0; k < half; k++)
        {
            // Same float32 expression as ReferencePositions.TimestepEmbedding.
            float e = (float)-Math.Log(maxPeriod) * k / (half - shift);
            float viaMathF = MathF.Exp(e);
            float viaDouble = (float)Math.Exp(e);
            if (BitConverter.SingleToInt32Bits(viaMathF) != BitConverter.SingleToInt32Bits(viaDouble))
            {
                mismatches.Add($"k={k} e={e:R}: MathF.Exp={viaMathF:R} (float)Math.Exp={viaDouble:R}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches));
    }
}
