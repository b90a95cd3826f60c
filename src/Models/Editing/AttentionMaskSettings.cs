namespace Locus.Models.Editing;

/// <summary>
/// Settings of <see cref="AttentionMaskBuilder"/> (editing-mechanisms.md §3.10; LPM k = 5, LIME k = 8). The clustered map
/// is the target × target map as captured: full [N, N] or 2×2-pooled [N/4, N/4] (detected from its shape).
/// </summary>
public sealed record AttentionMaskSettings
{
    /// <summary>k-means cluster count k (clamped to the number of points).</summary>
    public int Clusters { get; init; } = 5;

    /// <summary>Lloyd iterations at most (k-means++ seeding from <see cref="Seed"/>).</summary>
    public int Iterations { get; init; } = 30;

    /// <summary>k-means seed; the same seed and maps give the same mask on the same backend.</summary>
    public ulong Seed { get; init; }

    /// <summary>Number of focal points: the top-k target tokens of the mean instruction-token attention (clamped to the token count).</summary>
    public int FocalTopK { get; init; } = 8;

    /// <summary>Dilation radius in target tokens (0 = none).</summary>
    public int DilationRadius { get; init; } = 1;

    /// <summary>Elliptical (dy² + dx² ≤ r²) instead of square dilation element.</summary>
    public bool EllipticalDilation { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1, negative iterations or a negative radius.</exception>
    public void Validate()
    {
        if (Clusters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Clusters), Clusters, "attention mask: cluster count must be ≥ 1");
        }
        if (Iterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "attention mask: k-means iterations must be ≥ 0");
        }
        if (FocalTopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FocalTopK), FocalTopK, "attention mask: focal top-k must be ≥ 1");
        }
        if (DilationRadius < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DilationRadius), DilationRadius, "attention mask: dilation radius must be ≥ 0");
        }
    }
}
