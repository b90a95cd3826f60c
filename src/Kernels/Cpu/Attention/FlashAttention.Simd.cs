using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Attention;

// Register-tiled micro-kernels (generated: one accumulator register per (row, half panel)).
internal static unsafe partial class FlashAttention
{
    /// <summary>sᵀ[r, 0..32) = Σ_c k[r, c]·qp[c, 0..32) + keyBias[r] + (colFlags[r] ≠ 0 ? regionRow[0..32) : 0) (each unless null) for the 8 key rows r (Vector512, 16 accumulators); colMax[0..32) ← max(colMax, maxᵣ sᵀ[r, ·]) unless null.</summary>
    // SAFETY: k addresses 8 rows of d floats (row stride ldk), qp a packed panel of d × Nr floats, st 8 rows of Nr floats (row stride ldst), colMax null or Nr floats, keyBias null or 8 floats, regionRow null or Nr floats with colFlags 8 floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Qk512(float* k, nint ldk, float* qp, int d, float* st, nint ldst, float* colMax, float* keyBias, float* regionRow, float* colFlags)
    {
        // k [8, d] · qp [d, 32] → st [8, 32]
        float* k0 = k;
        float* k1 = k0 + ldk;
        float* k2 = k1 + ldk;
        float* k3 = k2 + ldk;
        float* k4 = k3 + ldk;
        float* k5 = k4 + ldk;
        float* k6 = k5 + ldk;
        float* k7 = k6 + ldk;
        Vector512<float> a0 = Vector512<float>.Zero, b0 = Vector512<float>.Zero;
        Vector512<float> a1 = Vector512<float>.Zero, b1 = Vector512<float>.Zero;
        Vector512<float> a2 = Vector512<float>.Zero, b2 = Vector512<float>.Zero;
        Vector512<float> a3 = Vector512<float>.Zero, b3 = Vector512<float>.Zero;
        Vector512<float> a4 = Vector512<float>.Zero, b4 = Vector512<float>.Zero;
        Vector512<float> a5 = Vector512<float>.Zero, b5 = Vector512<float>.Zero;
        Vector512<float> a6 = Vector512<float>.Zero, b6 = Vector512<float>.Zero;
        Vector512<float> a7 = Vector512<float>.Zero, b7 = Vector512<float>.Zero;
        for (nint c = 0; c < d; c++)
        {
            var q0 = Vector512.Load(qp);
            var q1 = Vector512.Load(qp + 16);
            qp += Nr;
            var x0 = Vector512.Create(k0[c]);
            a0 = Vector512.FusedMultiplyAdd(x0, q0, a0);
            b0 = Vector512.FusedMultiplyAdd(x0, q1, b0);
            var x1 = Vector512.Create(k1[c]);
            a1 = Vector512.FusedMultiplyAdd(x1, q0, a1);
            b1 = Vector512.FusedMultiplyAdd(x1, q1, b1);
            var x2 = Vector512.Create(k2[c]);
            a2 = Vector512.FusedMultiplyAdd(x2, q0, a2);
            b2 = Vector512.FusedMultiplyAdd(x2, q1, b2);
            var x3 = Vector512.Create(k3[c]);
            a3 = Vector512.FusedMultiplyAdd(x3, q0, a3);
            b3 = Vector512.FusedMultiplyAdd(x3, q1, b3);
            var x4 = Vector512.Create(k4[c]);
            a4 = Vector512.FusedMultiplyAdd(x4, q0, a4);
            b4 = Vector512.FusedMultiplyAdd(x4, q1, b4);
            var x5 = Vector512.Create(k5[c]);
            a5 = Vector512.FusedMultiplyAdd(x5, q0, a5);
            b5 = Vector512.FusedMultiplyAdd(x5, q1, b5);
            var x6 = Vector512.Create(k6[c]);
            a6 = Vector512.FusedMultiplyAdd(x6, q0, a6);
            b6 = Vector512.FusedMultiplyAdd(x6, q1, b6);
            var x7 = Vector512.Create(k7[c]);
            a7 = Vector512.FusedMultiplyAdd(x7, q0, a7);
            b7 = Vector512.FusedMultiplyAdd(x7, q1, b7);
        }
        if (keyBias != null)
        {
            var x0 = Vector512.Create(keyBias[0]);
            a0 += x0;
            b0 += x0;
            var x1 = Vector512.Create(keyBias[1]);
            a1 += x1;
            b1 += x1;
            var x2 = Vector512.Create(keyBias[2]);
            a2 += x2;
            b2 += x2;
            var x3 = Vector512.Create(keyBias[3]);
            a3 += x3;
            b3 += x3;
            var x4 = Vector512.Create(keyBias[4]);
            a4 += x4;
            b4 += x4;
            var x5 = Vector512.Create(keyBias[5]);
            a5 += x5;
            b5 += x5;
            var x6 = Vector512.Create(keyBias[6]);
            a6 += x6;
            b6 += x6;
            var x7 = Vector512.Create(keyBias[7]);
            a7 += x7;
            b7 += x7;
        }
        if (regionRow != null)
        {
            var r0 = Vector512.Load(regionRow);
            var r1 = Vector512.Load(regionRow + 16);
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
            if (colFlags[4] != 0f)
            {
                a4 += r0;
                b4 += r1;
            }
            if (colFlags[5] != 0f)
            {
                a5 += r0;
                b5 += r1;
            }
            if (colFlags[6] != 0f)
            {
                a6 += r0;
                b6 += r1;
            }
            if (colFlags[7] != 0f)
            {
                a7 += r0;
                b7 += r1;
            }
        }
        if (colMax != null)
        {
            Vector512.MaxNative(Vector512.Load(colMax), Vector512.MaxNative(Vector512.MaxNative(Vector512.MaxNative(a0, a1), Vector512.MaxNative(a2, a3)), Vector512.MaxNative(Vector512.MaxNative(a4, a5), Vector512.MaxNative(a6, a7)))).Store(colMax);
            Vector512.MaxNative(Vector512.Load(colMax + 16), Vector512.MaxNative(Vector512.MaxNative(Vector512.MaxNative(b0, b1), Vector512.MaxNative(b2, b3)), Vector512.MaxNative(Vector512.MaxNative(b4, b5), Vector512.MaxNative(b6, b7)))).Store(colMax + 16);
        }
        a0.Store(st);
        b0.Store(st + 16);
        st += ldst;
        a1.Store(st);
        b1.Store(st + 16);
        st += ldst;
        a2.Store(st);
        b2.Store(st + 16);
        st += ldst;
        a3.Store(st);
        b3.Store(st + 16);
        st += ldst;
        a4.Store(st);
        b4.Store(st + 16);
        st += ldst;
        a5.Store(st);
        b5.Store(st + 16);
        st += ldst;
        a6.Store(st);
        b6.Store(st + 16);
        st += ldst;
        a7.Store(st);
        b7.Store(st + 16);
    }

    /// <summary>acc[r, 0..32) = α_r·acc[r, 0..32) + Σ_j pt[j, r]·v[j, 0..32) for the 8 query rows r (Vector512, 16 accumulators).</summary>
    // SAFETY: pt addresses kb rows of ≥ 8 floats (row stride ldpt), v kb rows of Nr floats (row stride ldv), acc 8 rows of Nr floats (row stride ldacc), alpha 8 floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pv512(float* pt, nint ldpt, float* v, nint ldv, int kb, float* acc, nint ldacc, float* alpha)
    {
        // pᵀ [kb, 8] · v [kb, 32] + α·acc [8, 32] → acc [8, 32]
        float* c0 = acc;
        float* c1 = c0 + ldacc;
        float* c2 = c1 + ldacc;
        float* c3 = c2 + ldacc;
        float* c4 = c3 + ldacc;
        float* c5 = c4 + ldacc;
        float* c6 = c5 + ldacc;
        float* c7 = c6 + ldacc;
        var s0 = Vector512.Create(alpha[0]);
        var a0 = Vector512.Load(c0) * s0;
        var b0 = Vector512.Load(c0 + 16) * s0;
        var s1 = Vector512.Create(alpha[1]);
        var a1 = Vector512.Load(c1) * s1;
        var b1 = Vector512.Load(c1 + 16) * s1;
        var s2 = Vector512.Create(alpha[2]);
        var a2 = Vector512.Load(c2) * s2;
        var b2 = Vector512.Load(c2 + 16) * s2;
        var s3 = Vector512.Create(alpha[3]);
        var a3 = Vector512.Load(c3) * s3;
        var b3 = Vector512.Load(c3 + 16) * s3;
        var s4 = Vector512.Create(alpha[4]);
        var a4 = Vector512.Load(c4) * s4;
        var b4 = Vector512.Load(c4 + 16) * s4;
        var s5 = Vector512.Create(alpha[5]);
        var a5 = Vector512.Load(c5) * s5;
        var b5 = Vector512.Load(c5 + 16) * s5;
        var s6 = Vector512.Create(alpha[6]);
        var a6 = Vector512.Load(c6) * s6;
        var b6 = Vector512.Load(c6 + 16) * s6;
        var s7 = Vector512.Create(alpha[7]);
        var a7 = Vector512.Load(c7) * s7;
        var b7 = Vector512.Load(c7 + 16) * s7;
        for (int j = 0; j < kb; j++)
        {
            var v0 = Vector512.Load(v);
            var v1 = Vector512.Load(v + 16);
            v += ldv;
            var x0 = Vector512.Create(pt[0]);
            a0 = Vector512.FusedMultiplyAdd(x0, v0, a0);
            b0 = Vector512.FusedMultiplyAdd(x0, v1, b0);
            var x1 = Vector512.Create(pt[1]);
            a1 = Vector512.FusedMultiplyAdd(x1, v0, a1);
            b1 = Vector512.FusedMultiplyAdd(x1, v1, b1);
            var x2 = Vector512.Create(pt[2]);
            a2 = Vector512.FusedMultiplyAdd(x2, v0, a2);
            b2 = Vector512.FusedMultiplyAdd(x2, v1, b2);
            var x3 = Vector512.Create(pt[3]);
            a3 = Vector512.FusedMultiplyAdd(x3, v0, a3);
            b3 = Vector512.FusedMultiplyAdd(x3, v1, b3);
            var x4 = Vector512.Create(pt[4]);
            a4 = Vector512.FusedMultiplyAdd(x4, v0, a4);
            b4 = Vector512.FusedMultiplyAdd(x4, v1, b4);
            var x5 = Vector512.Create(pt[5]);
            a5 = Vector512.FusedMultiplyAdd(x5, v0, a5);
            b5 = Vector512.FusedMultiplyAdd(x5, v1, b5);
            var x6 = Vector512.Create(pt[6]);
            a6 = Vector512.FusedMultiplyAdd(x6, v0, a6);
            b6 = Vector512.FusedMultiplyAdd(x6, v1, b6);
            var x7 = Vector512.Create(pt[7]);
            a7 = Vector512.FusedMultiplyAdd(x7, v0, a7);
            b7 = Vector512.FusedMultiplyAdd(x7, v1, b7);
            pt += ldpt;
        }
        a0.Store(c0);
        b0.Store(c0 + 16);
        a1.Store(c1);
        b1.Store(c1 + 16);
        a2.Store(c2);
        b2.Store(c2 + 16);
        a3.Store(c3);
        b3.Store(c3 + 16);
        a4.Store(c4);
        b4.Store(c4 + 16);
        a5.Store(c5);
        b5.Store(c5 + 16);
        a6.Store(c6);
        b6.Store(c6 + 16);
        a7.Store(c7);
        b7.Store(c7 + 16);
    }
}
