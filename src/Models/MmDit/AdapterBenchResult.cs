namespace Locus.Models.MmDit;

/// <summary>
/// Figures of one <see cref="AdapterBench"/> run, seconds (mean over the timed repetitions, and the best one): the backbone
/// step, the same step with the region adapter (Precomputed mode), and the once-per-edit prelude with a user mask and with
/// the MaskPredictor (including the read-back of c and g); a prelude that failed on the backend is NaN.
/// </summary>
public sealed record AdapterBenchResult(double BackboneSeconds, double AdaptedSeconds, double UserPreludeSeconds, double PredictedPreludeSeconds,
    double BackboneBestSeconds, double AdaptedBestSeconds)
{
    /// <summary>Adapted / backbone − 1 (0.15 = the adapter adds 15% to a step).</summary>
    public double Overhead => (AdaptedSeconds / BackboneSeconds) - 1;

    /// <summary>The same ratio on the best repetitions (less sensitive to a busy machine).</summary>
    public double BestOverhead => (AdaptedBestSeconds / BackboneBestSeconds) - 1;

    /// <summary>User-mask prelude / backbone step.</summary>
    public double UserPreludeShare => UserPreludeSeconds / BackboneSeconds;

    /// <summary>Predicted-mask prelude / backbone step.</summary>
    public double PredictedPreludeShare => PredictedPreludeSeconds / BackboneSeconds;
}
