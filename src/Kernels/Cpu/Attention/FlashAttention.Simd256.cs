using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Attention;

// Register-tiled micro-kernels (generated: one accumulator register per (row, half panel)).
internal static unsafe partial class FlashAttention
{
    /// <summary>The 8 × 32 QKᵀ micro-tile of <see cref="Qk512"/> as four Vector256 4 × 16 quarters (16 ymm registers on AVX2).</summary>
    // SAFETY: as Qk512.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Qk256(float* k, nint ldk, float* qp, int d, float* st, nint ldst, float* colMax, float* keyBias, float* regionRow, float* colFlags)
    {
        // k [8, d] · qp [d, 32] → st [8, 32]
        float* colMaxHigh = colMax == null ? null : colMax + 16;
        float* keyBiasLow = keyBias == null ? null : keyBias + 4;
        float* regionHigh = regionRow == null ? null : regionRow + 16;
        float* flagsLow = colFlags == null ? null : colFlags + 4;
        Qk256x4(k, ldk, qp, d, st, ldst, colMax, keyBias, regionRow, colFlags);
        Qk256x4(k, ldk, qp + 16, d, st + 16, ldst, colMaxHigh, keyBias, regionHigh, colFlags);
        Qk256x4(k + 4 * ldk, ldk, qp, d, st + 4 * ldst, ldst, colMax, keyBiasLow, regionRow, flagsLow);
        Qk256x4(k + 4 * ldk, ldk, qp + 16, d, st + 4 * ldst + 16, ldst, colMaxHigh, keyBiasLow, regionHigh, flagsLow);
    }

    /// <summary>The 8 × 32 P·V micro-tile of <see cref="Pv512"/> as four Vector256 4 × 16 quarters.</summary>
    // SAFETY: as Pv512.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pv256(float* pt, nint ldpt, float* v, nint ldv, int kb, float* acc, nint ldacc, float* alpha)
    {
        // pᵀ [kb, 8] · v [kb, 32] + α·acc [8, 32] → acc [8, 32]
        Pv256x4(pt, ldpt, v, ldv, kb, acc, ldacc, alpha);
        Pv256x4(pt, ldpt, v + 16, ldv, kb, acc + 16, ldacc, alpha);
        Pv256x4(pt + 4, ldpt, v, ldv, kb, acc + 4 * ldacc, ldacc, alpha + 4);
        Pv256x4(pt + 4, ldpt, v + 16, ldv, kb, acc + 4 * ldacc + 16, ldacc, alpha + 4);
    }

    /// <summary>sᵀ[r, 0..16) = Σ_c k[r, c]·qp[c, 0..16) + keyBias[r] + (colFlags[r] ≠ 0 ? regionRow[0..16) : 0) (each unless null) for 4 key rows (panel row stride Nr); colMax[0..16) ← max(colMax, maxᵣ sᵀ[r, ·]) unless null.</summary>
    // SAFETY: k addresses 4 rows of d floats (row stride ldk), qp d rows of 16 floats (row stride Nr), st 4 rows of 16 floats (row stride ldst), colMax null or 16 floats, keyBias null or 4 floats, regionRow null or 16 floats with colFlags 4 floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Qk256x4(float* k, nint ldk, float* qp, int d, float* st, nint ldst, float* colMax, float* keyBias, float* regionRow, float* colFlags)
    {
        // k [4, d] · qp [d, 16] → st [4, 16]
        float* k0 = k;
        float* k1 = k0 + ldk;
        float* k2 = k1 + ldk;
        float* k3 = k2 + ldk;
        Vector256<float> a0 = Vector256<float>.Zero, b0 = Vector256<float>.Zero;
        Vector256<float> a1 = Vector256<float>.Zero, b1 = Vector256<float>.Zero;
        Vector256<float> a2 = Vector256<float>.Zero, b2 = Vector256<float>.Zero;
        Vector256<float> a3 = Vector256<float>.Zero, b3 = Vector256<float>.Zero;
        for (nint c = 0; c < d; c++)
        {
            var q0 = Vector256.Load(qp);
            var q1 = Vector256.Load(qp + 8);
            qp += Nr;
            var x0 = Vector256.Create(k0[c]);
            a0 = Vector256.FusedMultiplyAdd(x0, q0, a0);
            b0 = Vector256.FusedMultiplyAdd(x0, q1, b0);
            var x1 = Vector256.Create(k1[c]);
            a1 = Vector256.FusedMultiplyAdd(x1, q0, a1);
            b1 = Vector256.FusedMultiplyAdd(x1, q1, b1);
            var x2 = Vector256.Create(k2[c]);
            a2 = Vector256.FusedMultiplyAdd(x2, q0, a2);
            b2 = Vector256.FusedMultiplyAdd(x2, q1, b2);
            var x3 = Vector256.Create(k3[c]);
            a3 = Vector256.FusedMultiplyAdd(x3, q0, a3);
            b3 = Vector256.FusedMultiplyAdd(x3, q1, b3);
        }
        if (keyBias != null)
        {
            var x0 = Vector256.Create(keyBias[0]);
            a0 += x0;
            b0 += x0;
            var x1 = Vector256.Create(keyBias[1]);
            a1 += x1;
            b1 += x1;
            var x2 = Vector256.Create(keyBias[2]);
            a2 += x2;
            b2 += x2;
            var x3 = Vector256.Create(keyBias[3]);
            a3 += x3;
            b3 += x3;
        }
        if (regionRow != null)
        {
            var r0 = Vector256.Load(regionRow);
            var r1 = Vector256.Load(regionRow + 8);
            if (colFlags[0] != 0f)
            {
                a0 += r0;
                b0 += r1;
            }
            if (colFlags[1] != 0f)
            {
                a1 += r0;
                b1 += r1;
            }
            if (colFlags[2] != 0f)
            {
                a2 += r0;
                b2 += r1;
            }
            if (colFlags[3] != 0f)
            {
                a3 += r0;
                b3 += r1;
            }
        }
        if (colMax != null)
        {
            Vector256.MaxNative(Vector256.Load(colMax), Vector256.MaxNative(Vector256.MaxNative(a0, a1), Vector256.MaxNative(a2, a3))).Store(colMax);
            Vector256.MaxNative(Vector256.Load(colMax + 8), Vector256.MaxNative(Vector256.MaxNative(b0, b1), Vector256.MaxNative(b2, b3))).Store(colMax + 8);
        }
        a0.Store(st);
        b0.Store(st + 8);
        st += ldst;
        a1.Store(st);
        b1.Store(st + 8);
        st += ldst;
        a2.Store(st);
        b2.Store(st + 8);
        st += ldst;
        a3.Store(st);
        b3.Store(st + 8);
    }

    /// <summary>acc[r, 0..16) = α_r·acc[r, 0..16) + Σ_j pt[j, r]·v[j, 0..16) for 4 query rows.</summary>
    // SAFETY: pt addresses kb rows of ≥ 4 floats (row stride ldpt), v kb rows of 16 floats (row stride ldv), acc 4 rows of 16 floats (row stride ldacc), alpha 4 floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pv256x4(float* pt, nint ldpt, float* v, nint ldv, int kb, float* acc, nint ldacc, float* alpha)
    {
        // pᵀ [kb, 4] · v [kb, 16] + α·acc [4, 16] → acc [4, 16]
        float* c0 = acc;
        float* c1 = c0 + ldacc;
        float* c2 = c1 + ldacc;
        float* c3 = c2 + ldacc;
        var s0 = Vector256.Create(alpha[0]);
        var a0 = Vector256.Load(c0) * s0;
        var b0 = Vector256.Load(c0 + 8) * s0;
        var s1 = Vector256.Create(alpha[1]);
        var a1 = Vector256.Load(c1) * s1;
        var b1 = Vector256.Load(c1 + 8) * s1;
        var s2 = Vector256.Create(alpha[2]);
        var a2 = Vector256.Load(c2) * s2;
        var b2 = Vector256.Load(c2 + 8) * s2;
        var s3 = Vector256.Create(alpha[3]);
        var a3 = Vector256.Load(c3) * s3;
        var b3 = Vector256.Load(c3 + 8) * s3;
        for (int j = 0; j < kb; j++)
        {
            var v0 = Vector256.Load(v);
            var v1 = Vector256.Load(v + 8);
            v += ldv;
            var x0 = Vector256.Create(pt[0]);
            a0 = Vector256.FusedMultiplyAdd(x0, v0, a0);
            b0 = Vector256.FusedMultiplyAdd(x0, v1, b0);
            var x1 = Vector256.Create(pt[1]);
            a1 = Vector256.FusedMultiplyAdd(x1, v0, a1);
            b1 = Vector256.FusedMultiplyAdd(x1, v1, b1);
            var x2 = Vector256.Create(pt[2]);
            a2 = Vector256.FusedMultiplyAdd(x2, v0, a2);
            b2 = Vector256.FusedMultiplyAdd(x2, v1, b2);
            var x3 = Vector256.Create(pt[3]);
            a3 = Vector256.FusedMultiplyAdd(x3, v0, a3);
            b3 = Vector256.FusedMultiplyAdd(x3, v1, b3);
            pt += ldpt;
        }
        a0.Store(c0);
        b0.Store(c0 + 8);
        a1.Store(c1);
        b1.Store(c1 + 8);
        a2.Store(c2);
        b2.Store(c2 + 8);
        a3.Store(c3);
        b3.Store(c3 + 8);
    }
}
