using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Locus.Kernels.Reference.Matrix;

namespace Locus.Kernels.Cpu.Attention;

internal static unsafe partial class FlashAttention
{
    /// <summary>Keys per zero-padded ragged key group (a multiple of every width's micro-kernel rows, TOps.Rows).</summary>
    private const int Mr = 8;

    /// <summary>Query rows (QKᵀ) or value channels (P·V) per packed panel (a multiple of every width's 2·TOps.Count).</summary>
    private const int Nr = 32;

    /// <summary>Keys per online-softmax step (a multiple of <see cref="Mr"/>).</summary>
    private const int KBlock = 256;

    /// <summary>Extra floats per logit-block row, so that its power-of-two row stride does not alias the L1 sets.</summary>
    private const int SPad = 16;

    /// <summary>Scratch arrays shared by all attention calls: at most one per concurrently running worker is ever kept.</summary>
    private static readonly ConcurrentQueue<float[]> s_scratch = new();

    /// <summary>
    /// One query block [rows] of head (b, h) against all keys; returns −1, or the flat (bh, row) of a row with no finite logit.
    /// The logits are kept transposed (sᵀ [keys, rows]) so that the online softmax is vertical over query rows.
    /// </summary>
    // SAFETY: t's pointers address the pinned q, k, v, out of this node; scratch holds ScratchSize(o, rows) floats; it, bias and the
    // region column mask are pinned here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Tile<TVec, TOps>(AttentionInputs o, Tensors t, float[] mus, float[] lse, int b, int h, int i0, int rows, float[] scratch)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // q [rows, D] → qᵀ panels; per key block: sᵀ [kb, ld] = K·qᵀ → options → P = online softmax → acc [ld, Dv] = α·acc + P·V
        int d = o.D, dv = o.Dv, nk = o.Nk;
        int ld = RoundUp(rows, Nr), lds = ld + SPad, dvPad = RoundUp(dv, Nr);
        long bh = (long)b * o.H + h;
        fixed (float* sp = scratch, bias = o.Bias, cols = o.ColMask)
        {
            float* qt = sp, st = qt + (long)ld * d, acc = st + (long)KBlock * lds, m = acc + (long)ld * dvPad;
            float* l = m + ld, alpha = l + ld, colMax = alpha + ld, shift = colMax + ld;
            float* regionRow = shift + ld, mg = regionRow + ld;
            float* kTail = mg + (long)o.Groups.Length * ld, vTail = kTail + (long)Mr * d;
            float* q = (float*)t.Q + (bh * o.Nq + i0) * d;
            PackQ(q, rows, d, o.Scale, ld, qt);
            new Span<float>(acc, ld * dvPad).Clear();
            new Span<float>(m, ld).Fill(float.NegativeInfinity);
            new Span<float>(l, ld).Clear();
            GroupLogits(o, mus, bh, q, i0, rows, ld, mg);
            // Unless a per-row bias or row-restricted GRAG groups rewrite the logits after QKᵀ, the micro-kernels add the key-mask
            // bias and the region bias and produce the block's row maxima.
            bool keyMask = o.Bias is not null && o.BiasStrideRow == 0;
            bool fused = (o.Bias is null || keyMask) && o.Groups.All(x => x.AllRows);
            float* keyBias = fused && keyMask ? bias + o.BiasRow(b, h, 0) : null;
            float* colFlags = fused && o.RegionBias is not null ? cols : null;
            if (o.RegionBias is float region)
            {
                // regionRow[i] = region on the rows that receive it (row mask 0), else 0 (padding rows too).
                for (int i = 0; i < ld; i++)
                {
                    regionRow[i] = i < rows && o.RegionRow(b, i0 + i) ? region : 0f;
                }
            }
            float* kBase = (float*)t.K + bh * nk * d;
            float* vBase = (float*)t.V + bh * nk * dv;
            for (int j0 = 0; j0 < nk; j0 += KBlock)
            {
                int kb = Math.Min(KBlock, nk - j0);
                Logits<TVec, TOps>(kBase + (long)j0 * d, kb, d, qt, ld, st, lds, fused ? colMax : null, keyBias == null ? null : keyBias + j0,
                    colFlags == null ? null : regionRow, colFlags == null ? null : colFlags + j0, kTail);
                ApplyOptions<TVec, TOps>(o, b, h, i0, rows, j0, kb, st, lds, ld, mg, regionRow, fused);
                Softmax<TVec, TOps>(st, lds, ld, kb, fused, m, l, alpha, colMax, shift);
                Values<TVec, TOps>(st, lds, ld, kb, vBase + (long)j0 * dv, dv, dvPad, acc, alpha, vTail);
            }
            float* outBase = (float*)t.Out + (bh * o.Nq + i0) * dv;
            for (int i = 0; i < rows; i++)
            {
                if (float.IsNegativeInfinity(m[i]))
                {
                    return bh * o.Nq + i0 + i;
                }
                float inv = 1f / l[i];
                float* src = acc + (long)i * dvPad;
                float* dst = outBase + (long)i * dv;
                for (int c = 0; c < dv; c++)
                {
                    dst[c] = src[c] * inv;
                }
                lse[bh * o.Nq + i0 + i] = m[i] + MathF.Log(l[i]);
            }
        }
        return -1;
    }

    /// <summary>qᵀ panels: qt[p·d·Nr + c·Nr + r] = scale·q[p·Nr + r, c], zero for r ≥ rows.</summary>
    // SAFETY: q holds rows × d floats, qt holds ld × d floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackQ(float* q, int rows, int d, float scale, int ld, float* qt)
    {
        // q [rows, d] → qt [ld / Nr, d, Nr]
        for (int i = 0; i < ld; i++)
        {
            float* dst = qt + (long)(i / Nr) * d * Nr + i % Nr;
            if (i < rows)
            {
                float* src = q + (long)i * d;
                for (int c = 0; c < d; c++)
                {
                    dst[c * Nr] = src[c] * scale;
                }
            }
            else
            {
                for (int c = 0; c < d; c++)
                {
                    dst[c * Nr] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// sᵀ [kb, ld] = K block · qᵀ (+ keyBias[j] on key j, + regionRow on the keys with colFlags[j] ≠ 0, each unless null), as
    /// TOps.Rows-key × 2·TOps.Count-row micro-tiles, and the per-row maxima over the block into colMax unless null; a ragged last key group reads a
    /// zero-padded copy.
    /// </summary>
    // SAFETY: k holds kb rows of d floats, qt the packed panels, st KBlock rows of lds floats, colMax null or ld floats, keyBias null or kb floats, regionRow null or ld floats with colFlags kb floats, kTail Mr × d floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Logits<TVec, TOps>(float* k, int kb, int d, float* qt, int ld, float* st, int lds, float* colMax, float* keyBias, float* regionRow,
        float* colFlags, float* kTail)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // k [kb, d] · qᵀ [d, ld] → sᵀ [kb, ld]
        int full = kb / Mr * Mr;
        if (full < kb)
        {
            var tail = new Span<float>(kTail, Mr * d);
            new ReadOnlySpan<float>(k + (long)full * d, (kb - full) * d).CopyTo(tail);
            tail[((kb - full) * d)..].Clear();
        }
        if (colMax != null)
        {
            new Span<float>(colMax, ld).Fill(float.NegativeInfinity);
        }
        for (int p = 0; p < ld; p += Nr)
        {
            float* panel = qt + (long)p * d;
            for (int j = 0; j < kb; j += TOps.Rows)
            {
                // The zero rows of a ragged key group must not raise the row maxima: those are taken over its real keys below.
                float* rowsAt = j < full ? k + (long)j * d : kTail + (long)(j - full) * d;
                float* bias = keyBias == null || j >= full ? null : keyBias + j;
                float* flags = regionRow == null || j >= full ? null : colFlags + j;
                for (int c = p; c < p + Nr; c += 2 * TOps.Count)
                {
                    Qk<TVec, TOps>(rowsAt, d, panel + c - p, d, st + (long)j * lds + c, lds, colMax == null || j >= full ? null : colMax + c, bias,
                        flags == null ? null : regionRow + c, flags);
                }
            }
        }
        for (int j = full; j < kb; j++)
        {
            float* row = st + (long)j * lds;
            bool marked = regionRow != null && colFlags[j] != 0f;
            for (int i = 0; i < ld; i++)
            {
                row[i] += keyBias == null ? 0f : keyBias[j];
                row[i] += marked ? regionRow[i] : 0f;
                if (colMax != null)
                {
                    colMax[i] = MathF.Max(colMax[i], row[i]);
                }
            }
        }
    }

    /// <summary>acc [ld, dvPad] = acc·α (per row) + P·V block, as TOps.Rows-row × 2·TOps.Count-channel micro-tiles; a ragged last channel panel reads a zero-padded copy.</summary>
    // SAFETY: st holds kb rows of lds floats (ld probabilities each), v kb rows of dv floats, acc ld × dvPad floats, alpha ld floats, vTail KBlock × Nr floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values<TVec, TOps>(float* st, int lds, int ld, int kb, float* v, int dv, int dvPad, float* acc, float* alpha, float* vTail)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // Pᵀ [kb, ld] (read as P [ld, kb]) · v [kb, dv] → acc [ld, dvPad]
        for (int c0 = 0; c0 < dvPad; c0 += Nr)
        {
            float* vp = v + c0;
            int ldv = dv;
            if (c0 + Nr > dv)
            {
                int width = dv - c0;
                for (int j = 0; j < kb; j++)
                {
                    var row = new Span<float>(vTail + (long)j * Nr, Nr);
                    new ReadOnlySpan<float>(v + (long)j * dv + c0, width).CopyTo(row);
                    row[width..].Clear();
                }
                vp = vTail;
                ldv = Nr;
            }
            for (int i = 0; i < ld; i += TOps.Rows)
            {
                for (int c = 0; c < Nr; c += 2 * TOps.Count)
                {
                    Pv<TVec, TOps>(st + i, lds, vp + c, ldv, kb, acc + (long)i * dvPad + c0 + c, dvPad, alpha + i);
                }
            }
        }
    }

    /// <summary>Floats of scratch one query block of <paramref name="rows"/> needs (layout in <see cref="Tile"/>).</summary>
    private static long ScratchSize(AttentionInputs o, int rows)
    {
        int ld = RoundUp(rows, Nr);
        return (long)ld * o.D + (long)KBlock * (ld + SPad) + (long)ld * RoundUp(o.Dv, Nr) + (6L + o.Groups.Length) * ld + (long)Mr * o.D
            + (long)KBlock * Nr;
    }

    /// <summary>A scratch array of at least <paramref name="size"/> floats from the shared queue (smaller ones are dropped), or a new one.</summary>
    private static float[] RentScratch(long size)
    {
        while (s_scratch.TryDequeue(out var array))
        {
            if (array.LongLength >= size)
            {
                return array;
            }
        }
        return GC.AllocateUninitializedArray<float>(checked((int)size));
    }

    private static void ReturnScratch(float[] array) => s_scratch.Enqueue(array);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
