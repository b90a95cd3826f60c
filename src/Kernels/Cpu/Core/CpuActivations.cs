using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Vectorised SiLU, GELU (tanh and erf) and exp-shift over raw f32 memory.</summary>
internal static unsafe class CpuActivations
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;

    /// <summary>d = x / (1 + e^(−x)).</summary>
    public static void Silu(float* x, float* d, long n)
    {
        var one = Vector256.Create(1f);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.Load(x + i);
            (v / (one + Exp(-v))).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = x[i] / (1f + MathF.Exp(-x[i]));
        }
    }

    /// <summary>d = 1 / (1 + e^(−x)).</summary>
    public static void Sigmoid(float* x, float* d, long n)
    {
        var one = Vector256.Create(1f);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.Load(x + i);
            (one / (one + Exp(-v))).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = 1f / (1f + MathF.Exp(-x[i]));
        }
    }

    /// <summary>d = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), tanh(u) = 1 − 2/(e^(2u) + 1).</summary>
    public static void GeluTanh(float* x, float* d, long n)
    {
        var one = Vector256.Create(1f);
        var two = Vector256.Create(2f);
        var half = Vector256.Create(0.5f);
        var k = Vector256.Create(SqrtTwoOverPi);
        var c = Vector256.Create(0.044715f);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.Load(x + i);
            var u = k * Vector256.FusedMultiplyAdd(c * v * v, v, v);
            var t = one - (two / (Exp(two * u) + one));
            (half * v * (one + t)).Store(d + i);
        }
        for (; i < n; i++)
        {
            float v = x[i];
            d[i] = 0.5f * v * (1f + MathF.Tanh(SqrtTwoOverPi * (v + 0.044715f * v * v * v)));
        }
    }

    /// <summary>d = 0.5·x·(1 + erf(x/√2)) with a rational erf (max error ≈ 2 ulp on [−4, 4], ±1 outside).</summary>
    public static void GeluErf(float* x, float* d, long n)
    {
        var half = Vector256.Create(0.5f);
        var one = Vector256.Create(1f);
        var invSqrt2 = Vector256.Create(0.70710678118654752f);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.Load(x + i);
            (half * v * (one + Erf(v * invSqrt2))).Store(d + i);
        }
        for (; i < n; i++)
        {
            float v = x[i];
            d[i] = 0.5f * v * (1f + Erf(Vector256.Create(v * 0.70710678118654752f))[0]);
        }
    }

    /// <summary>erf(x) as the odd rational p(x)/q(x²) used by Eigen/XLA for f32, x clamped to [−4, 4].</summary>
    public static Vector256<float> Erf(Vector256<float> x)
    {
        x = Vector256.Clamp(x, Vector256.Create(-4f), Vector256.Create(4f));
        var x2 = x * x;
        var p = Vector256.Create(-2.72614225801306e-10f);
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(2.77068142495902e-08f));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(-2.10102402082508e-06f));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(-5.69250639462346e-05f));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(-7.34990630326855e-04f));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(-2.95459980854025e-03f));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(-1.60960333262415e-02f));
        p *= x;
        var q = Vector256.Create(-1.45660718464996e-05f);
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(-2.13374055278905e-04f));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(-1.68282697438203e-03f));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(-7.37332916720468e-03f));
        q = Vector256.FusedMultiplyAdd(q, x2, Vector256.Create(-1.42647390514189e-02f));
        return p / q;
    }

    /// <summary>
    /// e^x (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, 2ⁿ from the exponent bits), about 1 ulp;
    /// x below −87.3 gives 0, x above 88.7 gives ≈ 3.4e38 (not ∞), NaN stays NaN.
    /// </summary>
    public static Vector256<float> Exp(Vector256<float> input)
    {
        var x = Vector256.Clamp(input, Vector256.Create(-87.33654f), Vector256.Create(88.72283f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500E-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256.Create(1f);
        // 2ⁿ for n in [−126, 128): (n + 127) << 23; n = 128 only at the clamp bound, scaled in two steps.
        var ni = Vector256.ConvertToInt32(n);
        var half = ni >> 1;
        var s1 = ((half + Vector256.Create(127)) << 23).AsSingle();
        var s2 = ((ni - half + Vector256.Create(127)) << 23).AsSingle();
        var result = Vector256.ConditionalSelect(Vector256.LessThan(input, Vector256.Create(-87.33654f)), Vector256<float>.Zero, p * s1 * s2);
        return Vector256.ConditionalSelect(Vector256.Equals(input, input), result, input);
    }

    /// <summary>d = e^(x − shift); returns Σ d (double).</summary>
    public static double ExpShiftSum(float* x, float shift, float* d, long n)
    {
        var s = Vector256.Create(shift);
        var acc = Vector256<float>.Zero;
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var e = Exp(Vector256.Load(x + i) - s);
            e.Store(d + i);
            acc += e;
        }
        double sum = 0;
        for (int l = 0; l < 8; l++)
        {
            sum += acc[l];
        }
        for (; i < n; i++)
        {
            d[i] = MathF.Exp(x[i] - shift);
            sum += d[i];
        }
        return sum;
    }
}
