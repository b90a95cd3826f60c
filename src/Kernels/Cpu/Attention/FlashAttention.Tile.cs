using System.Runtime.Intrinsics;
using Locus.Kernels.Reference.Matrix;

namespace Locus.Kernels.Cpu.Attention;

internal static unsafe partial class FlashAttention
{
    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>One query tile [rows ≤ QTile] of head (b, h) against all keys; returns −1, or the flat (bh, row) of a row with no finite logit.</summary>
    // SAFETY: t's pointers address the pinned q, k, v, out of this node; scratch is a pinned thread-local array sized below.
    private static long Tile(AttentionInputs o, Tensors t, float[] mus, float[] lse, int b, int h, int i0, int rows)
    {
        // q tile [rows, D] · k block [KTile, D]ᵀ → s [rows, KTile] → online softmax → acc [rows, Dv]
        int d = o.D, dv = o.Dv, nk = o.Nk, g = o.Groups.Length;
        long bh = (long)b * o.H + h;
        int size = QTile * d + d * KTile + QTile * KTile + QTile * dv + 2 * QTile + g * QTile;
        if (t_scratch is null || t_scratch.Length < size)
        {
            t_scratch = GC.AllocateUninitializedArray<float>(size, pinned: true);
        }
        fixed (float* sp = t_scratch)
        {
            float* qt = sp, kt = qt + QTile * d, s = kt + d * KTile, acc = s + QTile * KTile, m = acc + QTile * dv, l = m + QTile, mg = l + QTile;
            float* q = (float*)t.Q + (bh * o.Nq + i0) * d;
            for (int e = 0; e < rows * d; e++)
            {
                qt[e] = q[e] * o.Scale;
            }
            new Span<float>(acc, QTile * dv).Clear();
            for (int i = 0; i < rows; i++)
            {
                m[i] = float.NegativeInfinity;
                l[i] = 0f;
            }
            for (int gi = 0; gi < g; gi++)
            {
                for (int i = 0; i < rows; i++)
                {
                    if (o.GroupHasRow(gi, i0 + i))
                    {
                        mg[gi * QTile + i] = Dot(qt + i * d, mus.AsSpan((int)((bh * g + gi) * d), d), d);
                    }
                }
            }
            float* kBase = (float*)t.K + bh * nk * d;
            float* vBase = (float*)t.V + bh * nk * dv;
            for (int j0 = 0; j0 < nk; j0 += KTile)
            {
                int kb = Math.Min(KTile, nk - j0);
                int kbPad = (kb + 31) & ~31;
                for (int jj = 0; jj < kbPad; jj++)
                {
                    float* krow = kBase + (long)(j0 + jj) * d;
                    for (int c = 0; c < d; c++)
                    {
                        kt[c * KTile + jj] = jj < kb ? krow[c] : 0f;
                    }
                }
                Logits(qt, rows, d, kt, kbPad, s);
                ApplyOptions(o, b, h, i0, rows, j0, kb, s, mg);
                for (int i = 0; i < rows; i++)
                {
                    Accumulate(s + i * KTile, kb, vBase + (long)j0 * dv, dv, acc + i * dv, ref m[i], ref l[i]);
                }
            }
            float* outBase = (float*)t.Out + (bh * o.Nq + i0) * dv;
            for (int i = 0; i < rows; i++)
            {
                if (float.IsNegativeInfinity(m[i]))
                {
                    return bh * o.Nq + i0 + i;
                }
                float inv = 1f / l[i];
                for (int c = 0; c < dv; c++)
                {
                    outBase[i * dv + c] = acc[i * dv + c] * inv;
                }
                lse[bh * o.Nq + i0 + i] = m[i] + MathF.Log(l[i]);
            }
        }
        return -1;
    }

    /// <summary>Row-restricted GRAG (exact logit form), additive bias and region bias on the block s [rows, KTile].</summary>
    // SAFETY: s holds rows × KTile floats, mg holds groups × QTile floats.
    private static void ApplyOptions(AttentionInputs o, int b, int h, int i0, int rows, int j0, int kb, float* s, float* mg)
    {
        for (int gi = 0; gi < o.Groups.Length; gi++)
        {
            var group = o.Groups[gi];
            int js = Math.Max(group.KeyStart, j0) - j0, je = Math.Min(group.KeyEnd, j0 + kb) - j0;
            if (group.AllRows || js >= je)
            {
                continue;
            }
            float delta = o.Delta[gi], shift = o.Lambda[gi] - delta;
            for (int i = 0; i < rows; i++)
            {
                if (o.GroupHasRow(gi, i0 + i))
                {
                    float off = shift * mg[gi * QTile + i];
                    float* row = s + i * KTile;
                    for (int j = js; j < je; j++)
                    {
                        row[j] = delta * row[j] + off;
                    }
                }
            }
        }
        if (o.Bias is float[] bias)
        {
            for (int i = 0; i < rows; i++)
            {
                long at = o.BiasRow(b, h, i0 + i) + j0;
                float* row = s + i * KTile;
                for (int j = 0; j < kb; j++)
                {
                    row[j] += bias[at + j];
                }
            }
        }
        if (o.RegionBias is float region)
        {
            float[] cols = o.ColMask!;
            for (int i = 0; i < rows; i++)
            {
                if (o.RegionRow(b, i0 + i))
                {
                    float* row = s + i * KTile;
                    for (int j = 0; j < kb; j++)
                    {
                        if (cols[j0 + j] != 0f)
                        {
                            row[j] += region;
                        }
                    }
                }
            }
        }
    }

    // SAFETY: a holds d floats.
    private static float Dot(float* a, ReadOnlySpan<float> b, int d)
    {
        float sum = 0;
        for (int c = 0; c < d; c++)
        {
            sum += a[c] * b[c];
        }
        return sum;
    }
}
