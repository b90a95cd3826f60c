namespace Locus.Models.Editing;

/// <summary>Progress after denoising step <see cref="Step"/> (1-based) of <see cref="StepCount"/>.</summary>
public readonly record struct EditProgress(int Step, int StepCount, TimeSpan Elapsed)
{
    /// <summary>Steps per second so far.</summary>
    public double ItPerSecond => Elapsed.TotalSeconds > 0 ? Step / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time to the last step at the current rate.</summary>
    public TimeSpan Eta => Step > 0 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds / Step * (StepCount - Step)) : TimeSpan.Zero;
}
