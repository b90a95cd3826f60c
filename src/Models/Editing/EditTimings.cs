namespace Locus.Models.Editing;

/// <summary>Wall time per stage of one edit.</summary>
public sealed record EditTimings(TimeSpan Prepare, TimeSpan Encode, TimeSpan Steps, TimeSpan Decode)
{
    /// <summary>Sum of the stages.</summary>
    public TimeSpan Total => Prepare + Encode + Steps + Decode;
}
