namespace Locus.Models.Editing;

/// <summary>
/// Attention capture during the first steps of an edit (the IAM-style localisation stage, editing-mechanisms.md §3.10):
/// the text-restricted target × text map and the target × target map, averaged over the chosen joint-attention calls and
/// steps. Used by <see cref="MaskSource.FromAttention"/> (then with <see cref="Mask"/>) and returned in
/// <see cref="EditResult.Maps"/> (heat maps for <c>--save-maps</c>). No region bias or adapter acts during these steps.
/// </summary>
public sealed record AttentionCaptureSettings
{
    /// <summary>Joint-attention calls to capture (Flux: double blocks, then single blocks; Qwen: blocks); null = all.</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>Capture on the first this-many steps; null = max(1, round(0.3 × steps)).</summary>
    public int? Steps { get; init; }

    /// <summary>2×2-pool the target × target map (needs an even token grid); null = when the target has more than 1024 tokens.</summary>
    public bool? PoolTargetMap { get; init; }

    /// <summary>Clustering, focal points and dilation of the attention-derived mask.</summary>
    public AttentionMaskSettings Mask { get; init; } = new();

    /// <summary>Capture steps for an edit of <paramref name="steps"/> steps.</summary>
    public int StepsFor(int steps) => Math.Min(steps, Steps ?? Math.Max(1, (int)Math.Round(0.3 * steps)));

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">An empty layer list or a negative layer, fewer than one step, or bad mask settings.</exception>
    public void Validate()
    {
        if (Layers is { Count: 0 } || (Layers?.Any(l => l < 0) ?? false))
        {
            throw new ArgumentException("attention capture layers must be null (all) or non-negative call indices", nameof(Layers));
        }
        if (Steps is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "attention capture steps must be ≥ 1");
        }
        ArgumentNullException.ThrowIfNull(Mask, nameof(Mask));
        Mask.Validate();
    }
}
