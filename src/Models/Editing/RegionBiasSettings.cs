namespace Locus.Models.Editing;

/// <summary>
/// Region attention bias for an edit (issue #8; IAM-Edit stage 2): target tokens outside the mask do not attend to the
/// instruction tokens (their logits get <see cref="Bias"/>) in every joint attention. Needs a mask source; with an
/// attention-derived mask it acts from the step after localisation.
/// </summary>
public sealed record RegionBiasSettings
{
    /// <summary>Added to the masked logits: −∞ (default) removes them; a finite negative value is a modulation strength.</summary>
    public float Bias { get; init; } = float.NegativeInfinity;

    /// <summary>The instruction's text token columns; null = every text token.</summary>
    public IReadOnlyList<int>? Tokens { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">NaN or +∞ bias, or an empty / negative token list.</exception>
    public void Validate()
    {
        if (float.IsNaN(Bias) || float.IsPositiveInfinity(Bias))
        {
            throw new ArgumentOutOfRangeException(nameof(Bias), Bias, "region bias must be finite or −∞");
        }
        if (Tokens is { Count: 0 } || (Tokens?.Any(t => t < 0) ?? false))
        {
            throw new ArgumentException("region bias tokens must be null (all text tokens) or non-negative indices", nameof(Tokens));
        }
    }
}
