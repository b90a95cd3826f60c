using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>The FlowBlend invariant: every token outside the mask (token mask 0) is the source latent, bit for bit.</summary>
internal static class BlendAssert
{
    /// <summary>Asserts the invariant on <paramref name="result"/>; returns how many tokens were kept.</summary>
    public static int UnmaskedTokensEqualSource(EditResult result)
    {
        float[] mask = result.TokenMask!.ToFloatArray(), x = result.Latents.ToFloatArray(), x0 = result.SourceLatents.ToFloatArray();
        int channels = x.Length / mask.Length, kept = 0;
        for (int t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0f)
            {
                Assert.Equal(x0.AsSpan(t * channels, channels).ToArray(), x.AsSpan(t * channels, channels).ToArray());
                kept++;
            }
        }
        return kept;
    }
}
