using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Attention;

internal static unsafe partial class FlashAttention
{
    /// <summary>s[i, j] = Σ_c qt[i, c]·kt[c, j] for j &lt; kbPad (a multiple of 32); 2 rows × 32 columns per register block.</summary>
    // SAFETY: qt holds rows × d, kt holds d × KTile, s holds rows × KTile floats.
    private static void Logits(float* qt, int rows, int d, float* kt, int kbPad, float* s)
    {
        // qt [rows, d] · kt [d, kbPad] → s [rows, KTile]
        for (int i = 0; i < rows; i += 2)
        {
            bool two = i + 1 < rows;
            float* qa = qt + i * d, qb = two ? qa + d : qa;
            for (int j = 0; j < kbPad; j += 32)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
                float* k = kt + j;
                for (int c = 0; c < d; c++, k += KTile)
                {
                    var k0 = Vector256.Load(k);
                    var k1 = Vector256.Load(k + 8);
                    var k2 = Vector256.Load(k + 16);
                    var k3 = Vector256.Load(k + 24);
                    var x = Vector256.Create(qa[c]);
                    var y = Vector256.Create(qb[c]);
                    a0 = Vector256.FusedMultiplyAdd(x, k0, a0);
                    a1 = Vector256.FusedMultiplyAdd(x, k1, a1);
                    a2 = Vector256.FusedMultiplyAdd(x, k2, a2);
                    a3 = Vector256.FusedMultiplyAdd(x, k3, a3);
                    b0 = Vector256.FusedMultiplyAdd(y, k0, b0);
                    b1 = Vector256.FusedMultiplyAdd(y, k1, b1);
                    b2 = Vector256.FusedMultiplyAdd(y, k2, b2);
                    b3 = Vector256.FusedMultiplyAdd(y, k3, b3);
                }
                float* sa = s + i * KTile + j;
                a0.Store(sa);
                a1.Store(sa + 8);
                a2.Store(sa + 16);
                a3.Store(sa + 24);
                if (two)
                {
                    float* sb = sa + KTile;
                    b0.Store(sb);
                    b1.Store(sb + 8);
                    b2.Store(sb + 16);
                    b3.Store(sb + 24);
                }
            }
        }
    }

    /// <summary>Online-softmax update of one row: p = e^(s − m'), l ← l·e^(m − m') + Σp, acc ← acc·e^(m − m') + p·V.</summary>
    // SAFETY: srow holds kb floats (overwritten by p), v holds kb rows of dv floats, acc holds dv floats.
    private static void Accumulate(float* srow, int kb, float* v, int dv, float* acc, ref float m, ref float l)
    {
        float blockMax = float.NegativeInfinity;
        for (int j = 0; j < kb; j++)
        {
            blockMax = MathF.Max(blockMax, srow[j]);
        }
        float mNew = MathF.Max(m, blockMax);
        if (float.IsNegativeInfinity(mNew))
        {
            return;
        }
        float alpha = MathF.Exp(m - mNew);
        var mv = Vector256.Create(mNew);
        float sum = 0;
        int jv = 0;
        for (; jv + 8 <= kb; jv += 8)
        {
            var p = Vector256.Exp(Vector256.Load(srow + jv) - mv);
            p.Store(srow + jv);
            sum += Vector256.Sum(p);
        }
        for (; jv < kb; jv++)
        {
            srow[jv] = MathF.Exp(srow[jv] - mNew);
            sum += srow[jv];
        }
        l = l * alpha + sum;
        m = mNew;
        int c = 0;
        var av = Vector256.Create(alpha);
        for (; c + 32 <= dv; c += 32)
        {
            var o0 = Vector256.Load(acc + c) * av;
            var o1 = Vector256.Load(acc + c + 8) * av;
            var o2 = Vector256.Load(acc + c + 16) * av;
            var o3 = Vector256.Load(acc + c + 24) * av;
            float* vr = v + c;
            for (int j = 0; j < kb; j++, vr += dv)
            {
                var p = Vector256.Create(srow[j]);
                o0 = Vector256.FusedMultiplyAdd(p, Vector256.Load(vr), o0);
                o1 = Vector256.FusedMultiplyAdd(p, Vector256.Load(vr + 8), o1);
                o2 = Vector256.FusedMultiplyAdd(p, Vector256.Load(vr + 16), o2);
                o3 = Vector256.FusedMultiplyAdd(p, Vector256.Load(vr + 24), o3);
            }
            o0.Store(acc + c);
            o1.Store(acc + c + 8);
            o2.Store(acc + c + 16);
            o3.Store(acc + c + 24);
        }
        for (; c + 8 <= dv; c += 8)
        {
            var o0 = Vector256.Load(acc + c) * av;
            float* vr = v + c;
            for (int j = 0; j < kb; j++, vr += dv)
            {
                o0 = Vector256.FusedMultiplyAdd(Vector256.Create(srow[j]), Vector256.Load(vr), o0);
            }
            o0.Store(acc + c);
        }
        for (; c < dv; c++)
        {
            float o0 = acc[c] * alpha;
            for (int j = 0; j < kb; j++)
            {
                o0 = MathF.FusedMultiplyAdd(srow[j], v[(long)j * dv + c], o0);
            }
            acc[c] = o0;
        }
    }
}
