namespace Locus.Models.Editing;

/// <summary>
/// Progress of an edit: with <see cref="Stage"/> = <see cref="EditStage.Denoise"/>, after denoising step <see cref="Step"/>
/// (1-based) of <see cref="StepCount"/> (<see cref="Elapsed"/> since the first step began); the other stages are reported
/// once when they start (Step = steps done so far).
/// </summary>
public readonly record struct EditProgress(int Step, int StepCount, TimeSpan Elapsed)
{
    /// <summary>The stage reported. Default <see cref="EditStage.Denoise"/>.</summary>
    public EditStage Stage { get; init; } = EditStage.Denoise;

    /// <summary>Steps per second so far.</summary>
    public double ItPerSecond => Elapsed.TotalSeconds > 0 ? Step / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time to the last step at the current rate.</summary>
    public TimeSpan Eta => Step > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds / Step * (StepCount - Step)) : TimeSpan.Zero;
}
