using Locus.Engine.Graph;

namespace Locus.Kernels.Reference.Core;

/// <summary>Rotary and sinusoidal position kernels, evaluated in double.</summary>
public static class ReferencePositions
{
    /// <summary>
    /// Adjacent-pair RoPE of x [B, H, N, D] with cos/sin [N, D/2]:
    /// (x₂ᵢ, x₂ᵢ₊₁) ← (x₂ᵢ·cᵢ − x₂ᵢ₊₁·sᵢ, x₂ᵢ·sᵢ + x₂ᵢ₊₁·cᵢ).
    /// </summary>
    public static void Rope(ReadOnlySpan<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, int batchHeads, int tokens, int dim, Span<float> dst)
    {
        int half = dim / 2;
        for (int bh = 0; bh < batchHeads; bh++)
        {
            for (int n = 0; n < tokens; n++)
            {
                int row = (bh * tokens + n) * dim;
                for (int i = 0; i < half; i++)
                {
                    double c = cos[n * half + i], s = sin[n * half + i];
                    double x0 = x[row + 2 * i], x1 = x[row + 2 * i + 1];
                    dst[row + 2 * i] = (float)(x0 * c - x1 * s);
                    dst[row + 2 * i + 1] = (float)(x0 * s + x1 * c);
                }
            }
        }
    }

    /// <summary>
    /// Sinusoidal embedding (diffusers get_timestep_embedding) of t [B] → [B, Dim]:
    /// fₖ = exp(−ln(MaxPeriod)·k/(Dim/2 − DownscaleFreqShift)), aₖ = TimeScale·(t·fₖ), both rounded to float32 as torch
    /// computes them; sin/cos of the f32 angle in double. Row = [cos a, sin a] when FlipSinToCos else [sin a, cos a].
    /// </summary>
    public static void TimestepEmbedding(ReadOnlySpan<float> t, TimestepEmbeddingParams p, Span<float> dst)
    {
        ArgumentNullException.ThrowIfNull(p);
        int half = p.Dim / 2;
        for (int b = 0; b < t.Length; b++)
        {
            for (int k = 0; k < half; k++)
            {
                // Frequency and angle in float32 exactly as torch (diffusers get_timestep_embedding): the f32 rounding
                // of t·f is visible at the 1e-5 diffusers parity level (angles up to 3500 rad for Flux guidance).
                float f = MathF.Exp((float)-Math.Log(p.MaxPeriod) * k / (half - p.DownscaleFreqShift));
                double a = p.TimeScale * (t[b] * f);
                double first = p.FlipSinToCos ? Math.Cos(a) : Math.Sin(a);
                double second = p.FlipSinToCos ? Math.Sin(a) : Math.Cos(a);
                dst[b * p.Dim + k] = (float)first;
                dst[b * p.Dim + half + k] = (float)second;
            }
        }
    }
}
