using Locus.Engine.Graph;

namespace Locus.Kernels.Cpu.Core;

/// <summary>RoPE (rows in parallel) and the sinusoidal timestep embedding.</summary>
internal static unsafe class CpuPositions
{
    /// <summary>Adjacent-pair rotation of x [BH, N, D] by cos/sin [N, D/2].</summary>
    public static void Rope(float* x, float* cos, float* sin, long batchHeads, int tokens, int dim, float* d)
    {
        int half = dim / 2;
        nint px = (nint)x, pc = (nint)cos, ps = (nint)sin, pd = (nint)d;
        CpuParallel.For(batchHeads * tokens, Math.Max(1, (1 << 14) / Math.Max(dim, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                long n = r % tokens;
                float* xr = (float*)px + r * dim, dr = (float*)pd + r * dim;
                float* c = (float*)pc + n * half, s = (float*)ps + n * half;
                for (int i = 0; i < half; i++)
                {
                    float x0 = xr[2 * i], x1 = xr[2 * i + 1];
                    dr[2 * i] = MathF.FusedMultiplyAdd(x0, c[i], -x1 * s[i]);
                    dr[2 * i + 1] = MathF.FusedMultiplyAdd(x0, s[i], x1 * c[i]);
                }
            }
        });
    }

    /// <summary>Sinusoidal embedding of t [B] → [B, Dim] (frequencies and angles in double: B·Dim is tiny).</summary>
    public static void TimestepEmbedding(float* t, int batch, TimestepEmbeddingParams p, float* d)
    {
        int half = p.Dim / 2;
        // Frequency and angle in float32 exactly as torch (see ReferencePositions.TimestepEmbedding); sin/cos in double.
        var freq = new float[half];
        for (int k = 0; k < half; k++)
        {
            freq[k] = MathF.Exp((float)-Math.Log(p.MaxPeriod) * k / (half - p.DownscaleFreqShift));
        }
        for (int b = 0; b < batch; b++)
        {
            for (int k = 0; k < half; k++)
            {
                (double sn, double cs) = Math.SinCos(p.TimeScale * (t[b] * freq[k]));
                d[(long)b * p.Dim + k] = (float)(p.FlipSinToCos ? cs : sn);
                d[(long)b * p.Dim + half + k] = (float)(p.FlipSinToCos ? sn : cs);
            }
        }
    }
}
