namespace Locus.Models.Scheduling;

/// <summary>
/// One denoising schedule: <see cref="Timesteps"/> [N] (= σ·num_train_timesteps) and <see cref="Sigmas"/> [N + 1]
/// with the terminal σ = 0 appended, all float32 as in diffusers.
/// </summary>
public sealed class FlowMatchSchedule
{
    private readonly float[] _timesteps;
    private readonly float[] _sigmas;

    internal FlowMatchSchedule(float[] timesteps, float[] sigmas, double? mu)
    {
        _timesteps = timesteps;
        _sigmas = sigmas;
        Mu = mu;
    }

    /// <summary>Number of denoising steps N.</summary>
    public int StepCount => _timesteps.Length;

    /// <summary>Timesteps [N], t_i = σ_i·num_train_timesteps (the pipelines pass t/1000 to the transformer).</summary>
    public ReadOnlySpan<float> Timesteps => _timesteps;

    /// <summary>Sigmas [N + 1]; the last is 0.</summary>
    public ReadOnlySpan<float> Sigmas => _sigmas;

    /// <summary>The dynamic shift μ used, or null for a static shift.</summary>
    public double? Mu { get; }

    /// <summary>σ[i+1] − σ[i] in float32 (negative): the Euler step size of step <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">index outside [0, N).</exception>
    public float StepSize(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, StepCount);
        return _sigmas[index + 1] - _sigmas[index];
    }

    /// <summary>
    /// Euler step <paramref name="index"/>: destination = sample + (σ[i+1] − σ[i])·velocity, element-wise in float32
    /// (product rounded, then sum rounded, as torch computes <c>sample + dt * model_output</c>).
    /// <paramref name="destination"/> may alias <paramref name="sample"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">index outside [0, N).</exception>
    /// <exception cref="ArgumentException">Span lengths differ.</exception>
    public void Step(int index, ReadOnlySpan<float> sample, ReadOnlySpan<float> velocity, Span<float> destination)
    {
        float dt = StepSize(index);
        if (velocity.Length != sample.Length)
        {
            throw new ArgumentException($"velocity has {velocity.Length} values, sample {sample.Length}", nameof(velocity));
        }
        if (destination.Length != sample.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} values, sample {sample.Length}", nameof(destination));
        }
        for (int i = 0; i < sample.Length; i++)
        {
            float delta = dt * velocity[i];
            destination[i] = sample[i] + delta;
        }
    }
}
