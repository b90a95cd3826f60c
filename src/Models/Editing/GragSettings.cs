using Locus.Models.MmDit;

namespace Locus.Models.Editing;

/// <summary>GRAG for an edit: reference keys re-centred as k' = λ·μ + δ·(k − μ) in the chosen blocks (see <see cref="GragOptions"/>).</summary>
public sealed record GragSettings(float Lambda, float Delta)
{
    /// <summary>Blocks to apply to (global index), null = all.</summary>
    public IReadOnlySet<int>? Layers { get; init; }

    /// <summary>Apply on steps with index &lt; this (null = all steps); other steps use (1, 1).</summary>
    public int? Steps { get; init; }

    /// <summary>Throws on non-finite scales or a negative step count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad value.</exception>
    public void Validate()
    {
        if (!float.IsFinite(Lambda) || !float.IsFinite(Delta))
        {
            throw new ArgumentOutOfRangeException(nameof(Lambda), $"GRAG λ and δ must be finite, got ({Lambda}, {Delta})");
        }
        if (Steps is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "GRAG steps must be ≥ 0");
        }
    }
}
