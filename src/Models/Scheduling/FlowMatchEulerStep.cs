using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.Scheduling;

/// <summary>
/// The Euler update x ← x + dt·v (dt = σ[i+1] − σ[i], <see cref="FlowMatchSchedule.StepSize(int)"/>) on host tensors and
/// as graph ops, with torch's rounding order (product, then sum, in float32).
/// </summary>
public static class FlowMatchEulerStep
{
    /// <summary>
    /// Graph form: sample + stepSize·velocity, stepSize an F32 [1] graph input (so one planned graph serves every step).
    /// sample and velocity: same shape, e.g. packed latents [B, N, 4C].
    /// </summary>
    /// <exception cref="ArgumentException">Shapes differ or stepSize is not [1].</exception>
    public static Node Build(GraphBuilder g, Node sample, Node velocity, Node stepSize, string name = "euler_step")
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(velocity);
        ArgumentNullException.ThrowIfNull(stepSize);
        if (sample.Shape != velocity.Shape)
        {
            throw new ArgumentException($"velocity {velocity.Shape} and sample {sample.Shape} differ", nameof(velocity));
        }
        if (stepSize.Shape != new Shape(1))
        {
            throw new ArgumentException($"step size {stepSize.Shape} must be [1]", nameof(stepSize));
        }
        var delta = g.Mul(velocity, stepSize, name + ".delta"); // [.., C] · [1]
        return g.Add(sample, delta, name);
    }

    /// <summary>Host form on F32 (or any float dtype, computed in float32 and stored back in that dtype).</summary>
    /// <exception cref="ArgumentException">Shapes or dtypes differ.</exception>
    public static HostTensor Apply(FlowMatchSchedule schedule, int index, HostTensor sample, HostTensor velocity)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(velocity);
        if (sample.Shape != velocity.Shape)
        {
            throw new ArgumentException($"velocity {velocity.Shape} and sample {sample.Shape} differ", nameof(velocity));
        }
        float[] x = sample.ToFloatArray();
        schedule.Step(index, x, velocity.ToFloatArray(), x);
        return HostTensor.FromFloats(sample.DType, sample.Shape, x);
    }
}
