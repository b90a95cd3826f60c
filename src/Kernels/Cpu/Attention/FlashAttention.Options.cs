using System.Runtime.CompilerServices;
using Locus.Kernels.Reference.Matrix;

namespace Locus.Kernels.Cpu.Attention;

internal static unsafe partial class FlashAttention
{
    /// <summary>mg[g·ld + i] = (scale·q_i)·μ_g for each row-restricted group g that covers row i0 + i (the exact-logit GRAG term).</summary>
    // SAFETY: q holds rows × D floats, mg holds groups × ld floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GroupLogits(AttentionInputs o, float[] mus, long bh, float* q, int i0, int rows, int ld, float* mg)
    {
        int g = o.Groups.Length, d = o.D;
        for (int gi = 0; gi < g; gi++)
        {
            var mu = mus.AsSpan((int)((bh * g + gi) * d), d);
            for (int i = 0; i < rows; i++)
            {
                if (o.GroupHasRow(gi, i0 + i))
                {
                    float* row = q + (long)i * d;
                    float sum = 0;
                    for (int c = 0; c < d; c++)
                    {
                        sum += row[c] * o.Scale * mu[c];
                    }
                    mg[(long)gi * ld + i] = sum;
                }
            }
        }
    }

    /// <summary>
    /// Row-restricted GRAG (s ← δ·s + (λ − δ)·mg), additive bias and region bias (regionRow per row) on the transposed block
    /// sᵀ [kb, ld]; nothing when <paramref name="fused"/> (the QKᵀ kernels added bias and region bias, and there is no row GRAG).
    /// </summary>
    // SAFETY: st holds kb rows of ld floats (row stride lds), mg holds groups × ld floats, regionRow ld floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyOptions<TVec, TOps>(AttentionInputs o, int b, int h, int i0, int rows, int j0, int kb, float* st, int lds, int ld, float* mg, float* regionRow,
        bool fused)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // sᵀ [kb, ld]: element (key j, query row i) at st[j·lds + i]
        if (fused)
        {
            return;
        }
        for (int gi = 0; gi < o.Groups.Length; gi++)
        {
            var group = o.Groups[gi];
            int js = Math.Max(group.KeyStart, j0) - j0, je = Math.Min(group.KeyEnd, j0 + kb) - j0;
            int rs = Math.Max(group.RowStart, i0) - i0, re = Math.Min(group.RowEnd, i0 + rows) - i0;
            if (group.AllRows || js >= je || rs >= re)
            {
                continue;
            }
            float delta = o.Delta[gi], shift = o.Lambda[gi] - delta;
            float* off = mg + (long)gi * ld;
            TVec dv = TOps.Splat(delta), sv = TOps.Splat(shift);
            for (int j = js; j < je; j++)
            {
                float* row = st + (long)j * lds;
                int i = rs;
                for (; i + TOps.Count <= re; i += TOps.Count)
                {
                    TOps.Store(TOps.Fma(dv, TOps.Load(row + i), TOps.Mul(sv, TOps.Load(off + i))), row + i);
                }
                for (; i < re; i++)
                {
                    row[i] = delta * row[i] + shift * off[i];
                }
            }
        }
        if (o.Bias is float[] bias)
        {
            if (o.BiasStrideRow == 0)
            {
                // One bias row for all query rows (a key mask [B|1, H|1, 1, Nk]): a broadcast add along each key's row of sᵀ.
                long at = o.BiasRow(b, h, i0) + j0;
                for (int j = 0; j < kb; j++)
                {
                    AddInPlace<TVec, TOps>(st + (long)j * lds, ld, TOps.Splat(bias[at + j]), null);
                }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                {
                    long at = o.BiasRow(b, h, i0 + i) + j0;
                    float* col = st + i;
                    for (int j = 0; j < kb; j++)
                    {
                        col[(long)j * lds] += bias[at + j];
                    }
                }
            }
        }
        if (o.RegionBias is not null)
        {
            // regionRow (filled by Tile) added along each marked key's row of sᵀ.
            float[] cols = o.ColMask!;
            for (int j = 0; j < kb; j++)
            {
                if (cols[j0 + j] != 0f)
                {
                    AddInPlace<TVec, TOps>(st + (long)j * lds, ld, default, regionRow);
                }
            }
        }
    }

    /// <summary>row[0..n) += value, or += add[0..n) when <paramref name="add"/> is given (n a multiple of TOps.Count).</summary>
    // SAFETY: row (and add) hold n floats.
    private static void AddInPlace<TVec, TOps>(float* row, int n, TVec value, float* add)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        for (int i = 0; i < n; i += TOps.Count)
        {
            TOps.Store(TOps.Add(TOps.Load(row + i), add == null ? value : TOps.Load(add + i)), row + i);
        }
    }
}
