namespace Locus.Models.Editing;

/// <summary>
/// True classifier-free guidance on packed velocities [N_tokens · channels]: comb = v_neg + s·(v_pos − v_neg)
/// (Kontext, mmdit-spec §2.4); with norm rescale (Qwen-Image-Edit, §3.9) v = comb·‖v_pos‖/‖comb‖ where the L2
/// norms run over the channels of each token (not clamped; a token whose comb is all zero stays zero).
/// </summary>
public static class TrueCfg
{
    /// <summary>Writes the guided velocity into <paramref name="positive"/> (in place).</summary>
    /// <exception cref="ArgumentException">Lengths differ or are not a multiple of <paramref name="channels"/>.</exception>
    public static void Combine(Span<float> positive, ReadOnlySpan<float> negative, float scale, int channels, bool normRescale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (positive.Length != negative.Length || positive.Length % channels != 0)
        {
            throw new ArgumentException($"velocities have {positive.Length} and {negative.Length} values; both must be equal multiples of {channels}", nameof(negative));
        }
        for (int start = 0; start < positive.Length; start += channels)
        {
            var pos = positive.Slice(start, channels);
            var neg = negative.Slice(start, channels);
            double posNorm = 0, combNorm = 0;
            for (int c = 0; c < channels; c++)
            {
                float comb = neg[c] + (scale * (pos[c] - neg[c]));
                posNorm += (double)pos[c] * pos[c];
                combNorm += (double)comb * comb;
                pos[c] = comb;
            }
            if (normRescale && combNorm > 0)
            {
                float ratio = (float)(Math.Sqrt(posNorm) / Math.Sqrt(combNorm));
                for (int c = 0; c < channels; c++)
                {
                    pos[c] *= ratio;
                }
            }
        }
    }
}
