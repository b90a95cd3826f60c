namespace Locus.Models.Editing;

/// <summary>
/// Progress of an edit: with <see cref="Stage"/> = <see cref="EditStage.Denoise"/>, after denoising step <see cref="Step"/>
/// (1-based) of <see cref="StepCount"/> (<see cref="Elapsed"/> since the first step began); the other stages are reported
/// once when they start (Step = steps done so far), except <see cref="EditStage.Load"/>, reported as weights upload: Step of
/// StepCount tensors, <see cref="BytesLoaded"/> of <see cref="BytesTotal"/> bytes.
/// </summary>
public readonly record struct EditProgress(int Step, int StepCount, TimeSpan Elapsed)
{
    /// <summary>The stage reported. Default <see cref="EditStage.Denoise"/>.</summary>
    public EditStage Stage { get; init; } = EditStage.Denoise;

    /// <summary>Load stage: weight bytes uploaded so far (0 in the other stages).</summary>
    public long BytesLoaded { get; init; }

    /// <summary>Load stage: weight bytes to upload in all (0 in the other stages).</summary>
    public long BytesTotal { get; init; }

    /// <summary>Steps (Load: tensors) per second so far.</summary>
    public double ItPerSecond => Elapsed.TotalSeconds > 0 ? Step / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time to the last step (Load: the last byte) at the current rate.</summary>
    public TimeSpan Eta => Stage == EditStage.Load
        ? BytesLoaded > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds / BytesLoaded * (BytesTotal - BytesLoaded)) : TimeSpan.Zero
        : Step > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds / Step * (StepCount - Step)) : TimeSpan.Zero;
}
