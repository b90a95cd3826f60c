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

    /// <summary>Test hook: y = e^x through the polynomial exp of the softmax at vector width <paramref name="bits"/> (128, 256, 512).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of 16.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The CPU does not support that width (<see cref="WidthSupported"/>).</exception>
    internal static void ExpForTests(ReadOnlySpan<float> x, Span<float> y, int bits)
    {
        if (x.Length != y.Length || x.Length % 16 != 0)
        {
            throw new ArgumentException($"x ({x.Length}) and y ({y.Length}) must have one length, a multiple of 16", nameof(x));
        }
        if (!WidthSupported(bits))
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "not a vector width this CPU supports");
        }
        // SAFETY: x and y hold x.Length floats, pinned for the calls.
        fixed (float* px = x, py = y)
        {
            Action<nint, nint, int> run = bits == 512 ? ExpAll<Vector512<float>, Simd512> : bits == 256 ? ExpAll<Vector256<float>, Simd256> : ExpAll<Vector128<float>, Simd128>;
            run((nint)px, (nint)py, x.Length);
        }
    }

    // SAFETY: x and y address n floats (n a multiple of the width).
    private static void ExpAll<TVec, TOps>(nint x, nint y, int n)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        for (int i = 0; i < n; i += TOps.Count)
        {
            TOps.Store(Exp<TVec, TOps>(TOps.Load((float*)x + i)), (float*)y + i);
        }
    }

    /// <summary>
    /// Online-softmax step over a key block, vectorised over query rows (W = TOps.Count per vector): m' = max(m, colMax)
    /// (colMax the block's per-row maximum, computed here unless <paramref name="haveMax"/>), α = e^(m − m'), p = e^(sᵀ − m')
    /// written over sᵀ, two vectors of rows at a time down the keys (sums in registers), l ← α·l + Σⱼ p. A row whose m' is
    /// still −∞ gets p = 0 and α = 0.
    /// </summary>
    // SAFETY: st holds kb rows of ld floats (row stride lds); m, l, alpha, colMax and shift hold ld floats (ld a multiple of 2W).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax<TVec, TOps>(float* st, int lds, int ld, int kb, bool haveMax, float* m, float* l, float* alpha, float* colMax, float* shift)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        // sᵀ [kb, ld] → pᵀ [kb, ld]; m, l, α [ld]
        int w = TOps.Count;
        var negInf = TOps.Splat(float.NegativeInfinity);
        if (!haveMax)
        {
            new Span<float>(colMax, ld).Fill(float.NegativeInfinity);
            for (int j = 0; j < kb; j++)
            {
                float* row = st + (long)j * lds;
                for (int i = 0; i < ld; i += w)
                {
                    TOps.Store(TOps.Max(TOps.Load(colMax + i), TOps.Load(row + i)), colMax + i);
                }
            }
        }
        for (int i = 0; i < ld; i += w)
        {
            var mOld = TOps.Load(m + i);
            var mNew = TOps.Max(mOld, TOps.Load(colMax + i));
            var s = TOps.Select(TOps.Equal(mNew, negInf), default, mNew);
            TOps.Store(Exp<TVec, TOps>(TOps.Sub(mOld, s)), alpha + i);
            TOps.Store(s, shift + i);
            TOps.Store(mNew, m + i);
        }
        for (int i = 0; i < ld; i += 2 * w)
        {
            TVec s0 = TOps.Load(shift + i), s1 = TOps.Load(shift + i + w), sum0 = default, sum1 = default;
            float* p = st + i;
            for (int j = 0; j < kb; j++, p += lds)
            {
                var e0 = Exp<TVec, TOps>(TOps.Sub(TOps.Load(p), s0));
                var e1 = Exp<TVec, TOps>(TOps.Sub(TOps.Load(p + w), s1));
                TOps.Store(e0, p);
                TOps.Store(e1, p + w);
                sum0 = TOps.Add(sum0, e0);
                sum1 = TOps.Add(sum1, e1);
            }
            TOps.Store(TOps.Fma(TOps.Load(l + i), TOps.Load(alpha + i), sum0), l + i);
            TOps.Store(TOps.Fma(TOps.Load(l + i + w), TOps.Load(alpha + i + w), sum1), l + i + w);
        }
    }

    /// <summary>e^x in f32 (Cephes expf: x = n·ln 2 + r, |r| ≤ ½ ln 2, degree-6 polynomial, 2ⁿ by exponent add; ≈ 1 ulp); 0 for x &lt; −87.33 and −∞.</summary>
    [MethodImpl(Inline)]
    private static TVec Exp<TVec, TOps>(TVec x)
        where TVec : unmanaged
        where TOps : struct, ISimd<TVec>
    {
        var lo = TOps.Splat(ExpLow);
        var xc = TOps.Min(TOps.Max(x, lo), TOps.Splat(ExpHigh));
        var magic = TOps.Splat(RoundMagic);
        var t = TOps.Fma(xc, TOps.Splat(Log2E), magic);
        var n = TOps.Sub(t, magic);
        var r = TOps.Fma(n, TOps.Splat(-Ln2High), xc);
        r = TOps.Fma(n, TOps.Splat(-Ln2Low), r);
        var y = TOps.Fma(TOps.Splat(ExpC0), r, TOps.Splat(ExpC1));
        y = TOps.Fma(y, r, TOps.Splat(ExpC2));
        y = TOps.Fma(y, r, TOps.Splat(ExpC3));
        y = TOps.Fma(y, r, TOps.Splat(ExpC4));
        y = TOps.Fma(y, r, TOps.Splat(ExpC5));
        y = TOps.Add(TOps.Fma(y, TOps.Mul(r, r), r), TOps.Splat(1f));
        return TOps.Select(TOps.Less(x, lo), default, TOps.Pow2Scale(y, t, magic));
    }
}
