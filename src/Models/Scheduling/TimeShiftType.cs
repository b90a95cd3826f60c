namespace Locus.Models.Scheduling;

/// <summary>
/// The resolution-dependent time shift of diffusers' FlowMatchEulerDiscreteScheduler (config key
/// <c>time_shift_type</c>): σ' = f(μ) / (f(μ) + (1/σ − 1)), f = exp for exponential, identity for linear.
/// </summary>
public enum TimeShiftType
{
    /// <summary>σ' = e^μ / (e^μ + (1/σ − 1)) ("exponential", the default; Flux and Qwen-Image).</summary>
    Exponential,

    /// <summary>σ' = μ / (μ + (1/σ − 1)) ("linear").</summary>
    Linear,
}
