// diffusers src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py @ d035dcd7 (v0.40.0):
// set_timesteps(sigmas=linspace(1, 1/N, N), mu) as called by FluxKontextPipeline and QwenImageEditPipeline,
// time_shift / _time_shift_exponential / _time_shift_linear, stretch_shift_to_terminal, step (deterministic Euler).
// Arithmetic follows diffusers' dtypes (numpy 1.24 value-based casting): the input sigmas are float64 linspace
// rounded to float32, the shift is evaluated in float32 with the python-float constants rounded to float32,
// the terminal stretch's scale factor is computed in float64 and rounded, timesteps = σ·1000 in float32.
// This reproduces the fixture bit for bit.
namespace Locus.Models.Scheduling;

/// <summary>
/// Flow-matching Euler scheduler (diffusers <c>FlowMatchEulerDiscreteScheduler</c>): builds the σ schedule for a
/// step count and target token count; <see cref="FlowMatchSchedule.Step(int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
/// applies x ← x + (σ[i+1] − σ[i])·v.
/// </summary>
public sealed class FlowMatchEulerScheduler
{
    /// <summary>Creates a scheduler with <paramref name="config"/>.</summary>
    public FlowMatchEulerScheduler(FlowMatchSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
    }

    /// <summary>The configuration.</summary>
    public FlowMatchSchedulerConfig Config { get; }

    /// <summary>
    /// The pipelines' schedule: σ_in = linspace(1, 1/N, N); with dynamic shifting μ = calculate_shift(L) where
    /// L = <paramref name="imageSeqLen"/> counts TARGET image tokens only (reference tokens excluded).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">stepCount or imageSeqLen &lt; 1.</exception>
    public FlowMatchSchedule CreateSchedule(int stepCount, int imageSeqLen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSeqLen, 1);
        double? mu = Config.UseDynamicShifting ? Config.CalculateShift(imageSeqLen) : null;
        return CreateSchedule(DefaultSigmas(stepCount), mu);
    }

    /// <summary>
    /// set_timesteps with explicit input sigmas (each in (0, 1]) and μ (required with dynamic shifting, ignored otherwise).
    /// σ' = e^μ/(e^μ + (1/σ − 1)) (exponential) or μ/(μ + (1/σ − 1)) (linear); static: s·σ/(1 + (s − 1)·σ);
    /// then the optional terminal stretch σ'' = 1 − (1 − σ')/((1 − σ'_last)/(1 − shift_terminal)); timesteps = σ''·T;
    /// σ = 0 is appended.
    /// </summary>
    /// <exception cref="ArgumentException">Empty sigmas, a sigma outside (0, 1], missing or non-finite μ.</exception>
    public FlowMatchSchedule CreateSchedule(ReadOnlySpan<double> inputSigmas, double? mu)
    {
        if (inputSigmas.IsEmpty)
        {
            throw new ArgumentException("at least one sigma is required", nameof(inputSigmas));
        }
        if (Config.UseDynamicShifting && (mu is not { } m || !double.IsFinite(m)))
        {
            throw new ArgumentException($"dynamic shifting needs a finite mu, got {mu?.ToString() ?? "none"}", nameof(mu));
        }
        int n = inputSigmas.Length;
        var sigmas = new float[n + 1];
        for (int i = 0; i < n; i++)
        {
            double s = inputSigmas[i];
            if (!(s > 0 && s <= 1))
            {
                throw new ArgumentException($"sigma[{i}] = {s} is outside (0, 1]", nameof(inputSigmas));
            }
            sigmas[i] = Shifted((float)s, mu);
        }
        if (Config.ShiftTerminal is { } terminal)
        {
            StretchToTerminal(sigmas.AsSpan(0, n), terminal);
        }
        var timesteps = new float[n];
        float trainSteps = Config.NumTrainTimesteps;
        for (int i = 0; i < n; i++)
        {
            timesteps[i] = sigmas[i] * trainSteps;
        }
        sigmas[n] = 0f;
        return new FlowMatchSchedule(timesteps, sigmas, Config.UseDynamicShifting ? mu : null);
    }

    /// <summary>numpy <c>linspace(1.0, 1/N, N)</c> in float64: value i = i·step + 1, the last value exactly 1/N.</summary>
    public static double[] DefaultSigmas(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepCount, 1);
        var result = new double[stepCount];
        double stop = 1.0 / stepCount;
        double step = stepCount > 1 ? (stop - 1.0) / (stepCount - 1) : 0;
        for (int i = 0; i < stepCount; i++)
        {
            result[i] = i * step + 1.0;
        }
        result[^1] = stop;
        return result;
    }

    private float Shifted(float s, double? mu)
    {
        if (!Config.UseDynamicShifting)
        {
            float shift = (float)Config.Shift;
            return shift * s / (1f + (shift - 1f) * s);
        }
        // diffusers: math.exp(mu) / (math.exp(mu) + (1 / t - 1) ** sigma) with sigma = 1.0, t a float32 array.
        float e = Config.TimeShiftType == TimeShiftType.Exponential ? (float)Math.Exp(mu!.Value) : (float)mu!.Value;
        float odds = 1f / s - 1f;
        return e / (e + odds);
    }

    private static void StretchToTerminal(Span<float> sigmas, double terminal)
    {
        // one_minus_z = 1 - t (float32); scale_factor = one_minus_z[-1] / (1 - shift_terminal) is a numpy float32
        // scalar over a python float, which numpy 1.x evaluates in float64; the array division then rounds it to float32.
        float lastOneMinus = 1f - sigmas[^1];
        if (lastOneMinus == 0f)
        {
            throw new ArgumentException("shift_terminal stretch is undefined when the last shifted sigma is 1 (a single step)", nameof(sigmas));
        }
        float scale = (float)(lastOneMinus / (1.0 - terminal));
        for (int i = 0; i < sigmas.Length; i++)
        {
            sigmas[i] = 1f - (1f - sigmas[i]) / scale;
        }
    }
}
