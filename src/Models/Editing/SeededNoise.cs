using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// The pipeline's Gaussian noise, generated on the host so it is identical on every backend and machine:
/// SplitMix64 (state₀ = seed; state += 0x9E3779B97F4A7C15; z = mix(state)) gives u = (z &gt;&gt; 11)·2⁻⁵³; element pairs
/// come from Box–Muller in double, n₀ = √(−2 ln(1 − u₁))·cos(2π u₂), n₁ = …·sin(2π u₂), rounded to f32; filled in
/// row-major order of the unpacked latent [1, C, h, w] (then packed like diffusers packs its randn latents).
/// </summary>
public static class SeededNoise
{
    /// <summary>Standard normal F32 tensor of <paramref name="shape"/> for <paramref name="seed"/>.</summary>
    public static HostTensor Normal(Shape shape, long seed)
    {
        var t = new HostTensor(DType.F32, shape);
        var span = t.AsSpan<float>();
        ulong state = unchecked((ulong)seed);
        for (int i = 0; i < span.Length; i += 2)
        {
            double u1 = Next(ref state), u2 = Next(ref state);
            double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u1));
            double a = 2.0 * Math.PI * u2;
            span[i] = (float)(r * Math.Cos(a));
            if (i + 1 < span.Length)
            {
                span[i + 1] = (float)(r * Math.Sin(a));
            }
        }
        return t;
    }

    private static double Next(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
