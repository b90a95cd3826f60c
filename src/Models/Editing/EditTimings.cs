namespace Locus.Models.Editing;

/// <summary>Wall time per stage of one edit.</summary>
public sealed record EditTimings(TimeSpan Prepare, TimeSpan Encode, TimeSpan Steps, TimeSpan Decode)
{
    /// <summary>The mask stage between encode and the steps: the adapter's once-per-edit prelude (MaskPredictor, condition, gates).</summary>
    public TimeSpan Mask { get; init; }

    /// <summary>Weight upload before the edit (the pipeline's first edit, or an adapter's first use; zero after <see cref="EditPipeline.Load"/>).</summary>
    public TimeSpan Load { get; init; }

    /// <summary>Sum of the stages.</summary>
    public TimeSpan Total => Load + Prepare + Encode + Mask + Steps + Decode;
}
