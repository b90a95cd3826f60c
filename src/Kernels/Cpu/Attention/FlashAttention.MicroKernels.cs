using System.Runtime.CompilerServices;

namespace Locus.Kernels.Cpu.Attention;

// Register-tiled micro-kernels, written once for every width: R = TOps.Rows rows (8 or 4; the rows 4..7 compile away when
// R = 4) × two vectors of W = TOps.Count floats, one accumulator register per (row, vector): 8 × 32 in 16 zmm (Vector512),
// 4 × 16 in 8 ymm (Vector256), 8 × 8 in 16 q registers (Vector128).
internal static unsafe partial class FlashAttention
{
    /// <summary>sᵀ[r, 0..2W) = Σ_c k[r, c]·qp[c, 0..2W) + keyBias[r] + (colFlags[r] ≠ 0 ? regionRow[0..2W) : 0) (each unless null) for the R key rows r; colMax[0..2W) ← max(colMax, maxᵣ sᵀ[r, ·]) unless null.</summary>
    // SAFETY: k addresses R rows of d floats (row stride ldk), qp d rows of 2W floats (row stride Nr), st R rows of 2W floats (row stride ldst), colMax null or 2W floats, keyBias null or R floats, regionRow null or 2W floats with colFlags R floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Qk<TVec, TOps>(float* k, nint ldk, float* qp, int d, float* st, nint ldst, float* colMax, float* keyBias, float* regionRow, float* colFlags)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // k [R, d] · qp [d, 2W] → st [R, 2W]
        bool eight = TOps.Rows == 8;
        int w = TOps.Count;
        float* k0 = k, k1 = k0 + ldk, k2 = k1 + ldk, k3 = k2 + ldk, k4 = k3 + ldk, k5 = k4 + ldk, k6 = k5 + ldk, k7 = k6 + ldk;
        TVec a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        TVec a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        for (nint c = 0, end = d; c < end; c++)
        {
            var q0 = TOps.Load(qp);
            var q1 = TOps.Load(qp + w);
            qp += Nr;
            var x = TOps.Splat(k0[c]);
            a0 = TOps.Fma(x, q0, a0);
            b0 = TOps.Fma(x, q1, b0);
            x = TOps.Splat(k1[c]);
            a1 = TOps.Fma(x, q0, a1);
            b1 = TOps.Fma(x, q1, b1);
            x = TOps.Splat(k2[c]);
            a2 = TOps.Fma(x, q0, a2);
            b2 = TOps.Fma(x, q1, b2);
            x = TOps.Splat(k3[c]);
            a3 = TOps.Fma(x, q0, a3);
            b3 = TOps.Fma(x, q1, b3);
            if (eight)
            {
                x = TOps.Splat(k4[c]);
                a4 = TOps.Fma(x, q0, a4);
                b4 = TOps.Fma(x, q1, b4);
                x = TOps.Splat(k5[c]);
                a5 = TOps.Fma(x, q0, a5);
                b5 = TOps.Fma(x, q1, b5);
                x = TOps.Splat(k6[c]);
                a6 = TOps.Fma(x, q0, a6);
                b6 = TOps.Fma(x, q1, b6);
                x = TOps.Splat(k7[c]);
                a7 = TOps.Fma(x, q0, a7);
                b7 = TOps.Fma(x, q1, b7);
            }
        }
        if (keyBias != null)
        {
            AddSplat<TVec, TOps>(ref a0, ref b0, keyBias[0]);
            AddSplat<TVec, TOps>(ref a1, ref b1, keyBias[1]);
            AddSplat<TVec, TOps>(ref a2, ref b2, keyBias[2]);
            AddSplat<TVec, TOps>(ref a3, ref b3, keyBias[3]);
            if (eight)
            {
                AddSplat<TVec, TOps>(ref a4, ref b4, keyBias[4]);
                AddSplat<TVec, TOps>(ref a5, ref b5, keyBias[5]);
                AddSplat<TVec, TOps>(ref a6, ref b6, keyBias[6]);
                AddSplat<TVec, TOps>(ref a7, ref b7, keyBias[7]);
            }
        }
        if (regionRow != null)
        {
            var r0 = TOps.Load(regionRow);
            var r1 = TOps.Load(regionRow + w);
            AddIf<TVec, TOps>(ref a0, ref b0, r0, r1, colFlags[0] != 0f);
            AddIf<TVec, TOps>(ref a1, ref b1, r0, r1, colFlags[1] != 0f);
            AddIf<TVec, TOps>(ref a2, ref b2, r0, r1, colFlags[2] != 0f);
            AddIf<TVec, TOps>(ref a3, ref b3, r0, r1, colFlags[3] != 0f);
            if (eight)
            {
                AddIf<TVec, TOps>(ref a4, ref b4, r0, r1, colFlags[4] != 0f);
                AddIf<TVec, TOps>(ref a5, ref b5, r0, r1, colFlags[5] != 0f);
                AddIf<TVec, TOps>(ref a6, ref b6, r0, r1, colFlags[6] != 0f);
                AddIf<TVec, TOps>(ref a7, ref b7, r0, r1, colFlags[7] != 0f);
            }
        }
        if (colMax != null)
        {
            TVec ma = TOps.Max(TOps.Max(a0, a1), TOps.Max(a2, a3)), mb = TOps.Max(TOps.Max(b0, b1), TOps.Max(b2, b3));
            if (eight)
            {
                ma = TOps.Max(ma, TOps.Max(TOps.Max(a4, a5), TOps.Max(a6, a7)));
                mb = TOps.Max(mb, TOps.Max(TOps.Max(b4, b5), TOps.Max(b6, b7)));
            }
            TOps.Store(TOps.Max(TOps.Load(colMax), ma), colMax);
            TOps.Store(TOps.Max(TOps.Load(colMax + w), mb), colMax + w);
        }
        StoreRows<TVec, TOps>(st, ldst, a0, b0, a1, b1, a2, b2, a3, b3);
        if (eight)
        {
            StoreRows<TVec, TOps>(st + 4 * ldst, ldst, a4, b4, a5, b5, a6, b6, a7, b7);
        }
    }

    /// <summary>acc[r, 0..2W) = α_r·acc[r, 0..2W) + Σ_j pt[j, r]·v[j, 0..2W) for the R query rows r.</summary>
    // SAFETY: pt addresses kb rows of ≥ R floats (row stride ldpt), v kb rows of 2W floats (row stride ldv), acc R rows of 2W floats (row stride ldacc), alpha R floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pv<TVec, TOps>(float* pt, nint ldpt, float* v, nint ldv, int kb, float* acc, nint ldacc, float* alpha)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // pᵀ [kb, R] · v [kb, 2W] + α·acc [R, 2W] → acc [R, 2W]
        bool eight = TOps.Rows == 8;
        int w = TOps.Count;
        float* c0 = acc, c1 = c0 + ldacc, c2 = c1 + ldacc, c3 = c2 + ldacc, c4 = c3 + ldacc, c5 = c4 + ldacc, c6 = c5 + ldacc, c7 = c6 + ldacc;
        TVec s = TOps.Splat(alpha[0]), a0 = TOps.Mul(TOps.Load(c0), s), b0 = TOps.Mul(TOps.Load(c0 + w), s);
        s = TOps.Splat(alpha[1]);
        TVec a1 = TOps.Mul(TOps.Load(c1), s), b1 = TOps.Mul(TOps.Load(c1 + w), s);
        s = TOps.Splat(alpha[2]);
        TVec a2 = TOps.Mul(TOps.Load(c2), s), b2 = TOps.Mul(TOps.Load(c2 + w), s);
        s = TOps.Splat(alpha[3]);
        TVec a3 = TOps.Mul(TOps.Load(c3), s), b3 = TOps.Mul(TOps.Load(c3 + w), s);
        TVec a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        if (eight)
        {
            s = TOps.Splat(alpha[4]);
            (a4, b4) = (TOps.Mul(TOps.Load(c4), s), TOps.Mul(TOps.Load(c4 + w), s));
            s = TOps.Splat(alpha[5]);
            (a5, b5) = (TOps.Mul(TOps.Load(c5), s), TOps.Mul(TOps.Load(c5 + w), s));
            s = TOps.Splat(alpha[6]);
            (a6, b6) = (TOps.Mul(TOps.Load(c6), s), TOps.Mul(TOps.Load(c6 + w), s));
            s = TOps.Splat(alpha[7]);
            (a7, b7) = (TOps.Mul(TOps.Load(c7), s), TOps.Mul(TOps.Load(c7 + w), s));
        }
        for (int j = 0; j < kb; j++)
        {
            var v0 = TOps.Load(v);
            var v1 = TOps.Load(v + w);
            v += ldv;
            var x = TOps.Splat(pt[0]);
            a0 = TOps.Fma(x, v0, a0);
            b0 = TOps.Fma(x, v1, b0);
            x = TOps.Splat(pt[1]);
            a1 = TOps.Fma(x, v0, a1);
            b1 = TOps.Fma(x, v1, b1);
            x = TOps.Splat(pt[2]);
            a2 = TOps.Fma(x, v0, a2);
            b2 = TOps.Fma(x, v1, b2);
            x = TOps.Splat(pt[3]);
            a3 = TOps.Fma(x, v0, a3);
            b3 = TOps.Fma(x, v1, b3);
            if (eight)
            {
                x = TOps.Splat(pt[4]);
                a4 = TOps.Fma(x, v0, a4);
                b4 = TOps.Fma(x, v1, b4);
                x = TOps.Splat(pt[5]);
                a5 = TOps.Fma(x, v0, a5);
                b5 = TOps.Fma(x, v1, b5);
                x = TOps.Splat(pt[6]);
                a6 = TOps.Fma(x, v0, a6);
                b6 = TOps.Fma(x, v1, b6);
                x = TOps.Splat(pt[7]);
                a7 = TOps.Fma(x, v0, a7);
                b7 = TOps.Fma(x, v1, b7);
            }
            pt += ldpt;
        }
        StoreRows<TVec, TOps>(acc, ldacc, a0, b0, a1, b1, a2, b2, a3, b3);
        if (eight)
        {
            StoreRows<TVec, TOps>(c4, ldacc, a4, b4, a5, b5, a6, b6, a7, b7);
        }
    }

    /// <summary>a += x, b += x (x broadcast).</summary>
    [MethodImpl(Inline)]
    private static void AddSplat<TVec, TOps>(ref TVec a, ref TVec b, float x)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        var v = TOps.Splat(x);
        a = TOps.Add(a, v);
        b = TOps.Add(b, v);
    }

    /// <summary>a += x, b += y when <paramref name="add"/>.</summary>
    [MethodImpl(Inline)]
    private static void AddIf<TVec, TOps>(ref TVec a, ref TVec b, TVec x, TVec y, bool add)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        if (add)
        {
            a = TOps.Add(a, x);
            b = TOps.Add(b, y);
        }
    }

    /// <summary>Four rows of two vectors (a_r at dst + r·ld, b_r W floats after it).</summary>
    // SAFETY: dst addresses 4 rows of 2W floats (row stride ld).
    [MethodImpl(Inline)]
    private static void StoreRows<TVec, TOps>(float* dst, nint ld, TVec a0, TVec b0, TVec a1, TVec b1, TVec a2, TVec b2, TVec a3, TVec b3)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        int w = TOps.Count;
        TOps.Store(a0, dst);
        TOps.Store(b0, dst + w);
        TOps.Store(a1, dst + ld);
        TOps.Store(b1, dst + ld + w);
        TOps.Store(a2, dst + 2 * ld);
        TOps.Store(b2, dst + 2 * ld + w);
        TOps.Store(a3, dst + 3 * ld);
        TOps.Store(b3, dst + 3 * ld + w);
    }
}
