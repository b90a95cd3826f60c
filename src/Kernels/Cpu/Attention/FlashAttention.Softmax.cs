using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Attention;

internal static unsafe partial class FlashAttention
{
    private const float ExpLow = -87.33654f;
    private const float ExpHigh = 88.37626f;
    private const float RoundMagic = 12582912f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float ExpC0 = 1.9875691500e-4f;
    private const float ExpC1 = 1.3981999507e-3f;
    private const float ExpC2 = 8.3334519073e-3f;
    private const float ExpC3 = 4.1665795894e-2f;
    private const float ExpC4 = 1.6666665459e-1f;
    private const float ExpC5 = 5.0000001201e-1f;

    /// <summary>Test hook: y = e^x through the Vector512 (<paramref name="wide"/>) or the Vector256 polynomial exp of the softmax.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of 16.</exception>
    internal static void ExpForTests(ReadOnlySpan<float> x, Span<float> y, bool wide)
    {
        if (x.Length != y.Length || x.Length % 16 != 0)
        {
            throw new ArgumentException($"x ({x.Length}) and y ({y.Length}) must have one length, a multiple of 16", nameof(x));
        }
        for (int i = 0; i < x.Length; i += 16)
        {
            if (wide)
            {
                Exp512(Vector512.Create(x[i..])).CopyTo(y[i..]);
            }
            else
            {
                Exp256(Vector256.Create(x[i..])).CopyTo(y[i..]);
                Exp256(Vector256.Create(x[(i + 8)..])).CopyTo(y[(i + 8)..]);
            }
        }
    }

    /// <summary>
    /// Online-softmax step over a key block, vectorised over query rows (16 per Vector512): m' = max(m, colMax) (colMax the
    /// block's per-row maximum, computed here unless <paramref name="haveMax"/>), α = e^(m − m'), p = e^(sᵀ − m') written
    /// over sᵀ, two vectors of rows at a time down the keys (sums in registers), l ← α·l + Σⱼ p. A row whose m' is still −∞ gets p = 0 and α = 0.
    /// </summary>
    // SAFETY: st holds kb rows of ld floats (row stride lds); m, l, alpha, colMax and shift hold ld floats (ld a multiple of 32).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax512(float* st, int lds, int ld, int kb, bool haveMax, float* m, float* l, float* alpha, float* colMax, float* shift)
    {
        // sᵀ [kb, ld] → pᵀ [kb, ld]; m, l, α [ld]
        var negInf = Vector512.Create(float.NegativeInfinity);
        if (!haveMax)
        {
            new Span<float>(colMax, ld).Fill(float.NegativeInfinity);
            for (int j = 0; j < kb; j++)
            {
                float* row = st + (long)j * lds;
                for (int i = 0; i < ld; i += 16)
                {
                    Vector512.MaxNative(Vector512.Load(colMax + i), Vector512.Load(row + i)).Store(colMax + i);
                }
            }
        }
        for (int i = 0; i < ld; i += 16)
        {
            var mOld = Vector512.Load(m + i);
            var mNew = Vector512.MaxNative(mOld, Vector512.Load(colMax + i));
            var s = Vector512.ConditionalSelect(Vector512.Equals(mNew, negInf), Vector512<float>.Zero, mNew);
            Exp512(mOld - s).Store(alpha + i);
            s.Store(shift + i);
            mNew.Store(m + i);
        }
        for (int i = 0; i < ld; i += 32)
        {
            var s0 = Vector512.Load(shift + i);
            var s1 = Vector512.Load(shift + i + 16);
            var sum0 = Vector512<float>.Zero;
            var sum1 = Vector512<float>.Zero;
            float* p = st + i;
            for (int j = 0; j < kb; j++, p += lds)
            {
                var e0 = Exp512(Vector512.Load(p) - s0);
                var e1 = Exp512(Vector512.Load(p + 16) - s1);
                e0.Store(p);
                e1.Store(p + 16);
                sum0 += e0;
                sum1 += e1;
            }
            Vector512.FusedMultiplyAdd(Vector512.Load(l + i), Vector512.Load(alpha + i), sum0).Store(l + i);
            Vector512.FusedMultiplyAdd(Vector512.Load(l + i + 16), Vector512.Load(alpha + i + 16), sum1).Store(l + i + 16);
        }
    }

    /// <summary>e^x in f32 (Cephes expf: x = n·ln 2 + r, |r| ≤ ½ ln 2, degree-6 polynomial, 2ⁿ by exponent add; ≈ 1 ulp); 0 for x &lt; −87.33 and −∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp512(Vector512<float> x)
    {
        var lo = Vector512.Create(ExpLow);
        var xc = Vector512.MinNative(Vector512.MaxNative(x, lo), Vector512.Create(ExpHigh));
        var magic = Vector512.Create(RoundMagic);
        var t = Vector512.FusedMultiplyAdd(xc, Vector512.Create(Log2E), magic);
        var n = t - magic;
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), xc);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var y = Vector512.FusedMultiplyAdd(Vector512.Create(ExpC0), r, Vector512.Create(ExpC1));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(ExpC2));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(ExpC3));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(ExpC4));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(ExpC5));
        y = Vector512.FusedMultiplyAdd(y, r * r, r) + Vector512<float>.One;
        var scaled = (y.AsInt32() + ((t.AsInt32() - magic.AsInt32()) << 23)).AsSingle();
        return Vector512.ConditionalSelect(Vector512.LessThan(x, lo), Vector512<float>.Zero, scaled);
    }

    /// <summary>
    /// Online-softmax step over a key block, vectorised over query rows (8 per Vector256): m' = max(m, colMax) (colMax the
    /// block's per-row maximum, computed here unless <paramref name="haveMax"/>), α = e^(m − m'), p = e^(sᵀ − m') written
    /// over sᵀ, two vectors of rows at a time down the keys (sums in registers), l ← α·l + Σⱼ p. A row whose m' is still −∞ gets p = 0 and α = 0.
    /// </summary>
    // SAFETY: st holds kb rows of ld floats (row stride lds); m, l, alpha, colMax and shift hold ld floats (ld a multiple of 16).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax256(float* st, int lds, int ld, int kb, bool haveMax, float* m, float* l, float* alpha, float* colMax, float* shift)
    {
        // sᵀ [kb, ld] → pᵀ [kb, ld]; m, l, α [ld]
        var negInf = Vector256.Create(float.NegativeInfinity);
        if (!haveMax)
        {
            new Span<float>(colMax, ld).Fill(float.NegativeInfinity);
            for (int j = 0; j < kb; j++)
            {
                float* row = st + (long)j * lds;
                for (int i = 0; i < ld; i += 8)
                {
                    Vector256.MaxNative(Vector256.Load(colMax + i), Vector256.Load(row + i)).Store(colMax + i);
                }
            }
        }
        for (int i = 0; i < ld; i += 8)
        {
            var mOld = Vector256.Load(m + i);
            var mNew = Vector256.MaxNative(mOld, Vector256.Load(colMax + i));
            var s = Vector256.ConditionalSelect(Vector256.Equals(mNew, negInf), Vector256<float>.Zero, mNew);
            Exp256(mOld - s).Store(alpha + i);
            s.Store(shift + i);
            mNew.Store(m + i);
        }
        for (int i = 0; i < ld; i += 16)
        {
            var s0 = Vector256.Load(shift + i);
            var s1 = Vector256.Load(shift + i + 8);
            var sum0 = Vector256<float>.Zero;
            var sum1 = Vector256<float>.Zero;
            float* p = st + i;
            for (int j = 0; j < kb; j++, p += lds)
            {
                var e0 = Exp256(Vector256.Load(p) - s0);
                var e1 = Exp256(Vector256.Load(p + 8) - s1);
                e0.Store(p);
                e1.Store(p + 8);
                sum0 += e0;
                sum1 += e1;
            }
            Vector256.FusedMultiplyAdd(Vector256.Load(l + i), Vector256.Load(alpha + i), sum0).Store(l + i);
            Vector256.FusedMultiplyAdd(Vector256.Load(l + i + 8), Vector256.Load(alpha + i + 8), sum1).Store(l + i + 8);
        }
    }

    /// <summary>e^x in f32 (Cephes expf: x = n·ln 2 + r, |r| ≤ ½ ln 2, degree-6 polynomial, 2ⁿ by exponent add; ≈ 1 ulp); 0 for x &lt; −87.33 and −∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp256(Vector256<float> x)
    {
        var lo = Vector256.Create(ExpLow);
        var xc = Vector256.MinNative(Vector256.MaxNative(x, lo), Vector256.Create(ExpHigh));
        var magic = Vector256.Create(RoundMagic);
        var t = Vector256.FusedMultiplyAdd(xc, Vector256.Create(Log2E), magic);
        var n = t - magic;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), xc);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var y = Vector256.FusedMultiplyAdd(Vector256.Create(ExpC0), r, Vector256.Create(ExpC1));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(ExpC2));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(ExpC3));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(ExpC4));
        y = Vector256.FusedMultiplyAdd(y, r, Vector256.Create(ExpC5));
        y = Vector256.FusedMultiplyAdd(y, r * r, r) + Vector256<float>.One;
        var scaled = (y.AsInt32() + ((t.AsInt32() - magic.AsInt32()) << 23)).AsSingle();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, lo), Vector256<float>.Zero, scaled);
    }
}
