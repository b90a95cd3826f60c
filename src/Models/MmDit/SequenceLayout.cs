namespace Locus.Models.MmDit;

/// <summary>
/// Token counts of one forward; the joint attention sequence is [text | target | reference]
/// (diffusers concatenates text first; the pipelines append reference tokens after the target tokens).
/// </summary>
public sealed record SequenceLayout(int Batch, int TextTokens, int TargetTokens, int ReferenceTokens)
{
    /// <summary>Image tokens (target + reference) = the model's hidden_states length.</summary>
    public int ImageTokens => TargetTokens + ReferenceTokens;

    /// <summary>Joint sequence length.</summary>
    public int Total => TextTokens + ImageTokens;

    /// <summary>Checks every count.</summary>
    /// <exception cref="ArgumentException">A non-positive batch/text/target count or a negative reference count.</exception>
    public void Validate()
    {
        if (Batch <= 0 || TextTokens <= 0 || TargetTokens <= 0 || ReferenceTokens < 0)
        {
            throw new ArgumentException($"invalid sequence layout {this}: batch, text and target counts must be positive, reference ≥ 0");
        }
    }
}
