using System.Numerics;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Vectorised SiLU, GELU (tanh and erf) and exp-shift over raw f32 memory, in <see cref="Vector{T}"/> lanes (see <see cref="CpuVec"/>).</summary>
internal static unsafe class CpuActivations
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;

    /// <summary>d = x / (1 + e^(−x)).</summary>
    public static void Silu(float* x, float* d, long n)
    {
        var one = Vector.Create(1f);
        int w = CpuVec.Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var v = Vector.Load(x + i);
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
        var one = Vector.Create(1f);
        int w = CpuVec.Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var v = Vector.Load(x + i);
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
        var one = Vector.Create(1f);
        var two = Vector.Create(2f);
        var half = Vector.Create(0.5f);
        var k = Vector.Create(SqrtTwoOverPi);
        var c = Vector.Create(0.044715f);
        int w = CpuVec.Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var v = Vector.Load(x + i);
            var u = k * CpuVec.MulAdd(c * v * v, v, v);
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
        var half = Vector.Create(0.5f);
        var one = Vector.Create(1f);
        var invSqrt2 = Vector.Create(0.70710678118654752f);
        int w = CpuVec.Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var v = Vector.Load(x + i);
            (half * v * (one + Erf(v * invSqrt2))).Store(d + i);
        }
        for (; i < n; i++)
        {
            float v = x[i];
            d[i] = 0.5f * v * (1f + Erf(Vector.Create(v * 0.70710678118654752f))[0]);
        }
    }

    /// <summary>erf(x) as the odd rational p(x)/q(x²) used by Eigen/XLA for f32, x clamped to [−4, 4].</summary>
    public static Vector<float> Erf(Vector<float> x)
    {
        x = Vector.Clamp(x, Vector.Create(-4f), Vector.Create(4f));
        var x2 = x * x;
        var p = Vector.Create(-2.72614225801306e-10f);
        p = CpuVec.MulAdd(p, x2, Vector.Create(2.77068142495902e-08f));
        p = CpuVec.MulAdd(p, x2, Vector.Create(-2.10102402082508e-06f));
        p = CpuVec.MulAdd(p, x2, Vector.Create(-5.69250639462346e-05f));
        p = CpuVec.MulAdd(p, x2, Vector.Create(-7.34990630326855e-04f));
        p = CpuVec.MulAdd(p, x2, Vector.Create(-2.95459980854025e-03f));
        p = CpuVec.MulAdd(p, x2, Vector.Create(-1.60960333262415e-02f));
        p *= x;
        var q = Vector.Create(-1.45660718464996e-05f);
        q = CpuVec.MulAdd(q, x2, Vector.Create(-2.13374055278905e-04f));
        q = CpuVec.MulAdd(q, x2, Vector.Create(-1.68282697438203e-03f));
        q = CpuVec.MulAdd(q, x2, Vector.Create(-7.37332916720468e-03f));
        q = CpuVec.MulAdd(q, x2, Vector.Create(-1.42647390514189e-02f));
        return p / q;
    }

    /// <summary>
    /// e^x (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, 2ⁿ from the exponent bits), about 1 ulp;
    /// x below −87.3 gives 0, x above 88.7 gives ≈ 3.4e38 (not ∞), NaN stays NaN.
    /// </summary>
    public static Vector<float> Exp(Vector<float> input)
    {
        var x = Vector.Clamp(input, Vector.Create(-87.33654f), Vector.Create(88.72283f));
        var n = Vector.Round(x * Vector.Create(1.44269504088896341f));
        var r = CpuVec.MulAdd(n, Vector.Create(-0.693359375f), x);
        r = CpuVec.MulAdd(n, Vector.Create(2.12194440e-4f), r);
        var p = Vector.Create(1.9875691500E-4f);
        p = CpuVec.MulAdd(p, r, Vector.Create(1.3981999507E-3f));
        p = CpuVec.MulAdd(p, r, Vector.Create(8.3334519073E-3f));
        p = CpuVec.MulAdd(p, r, Vector.Create(4.1665795894E-2f));
        p = CpuVec.MulAdd(p, r, Vector.Create(1.6666665459E-1f));
        p = CpuVec.MulAdd(p, r, Vector.Create(5.0000001201E-1f));
        p = CpuVec.MulAdd(p, r * r, r) + Vector.Create(1f);
        // 2ⁿ for n in [−126, 128): (n + 127) << 23; n = 128 only at the clamp bound, scaled in two steps.
        var ni = Vector.ConvertToInt32(n);
        var half = ni >> 1;
        var s1 = ((half + Vector.Create(127)) << 23).As<int, float>();
        var s2 = ((ni - half + Vector.Create(127)) << 23).As<int, float>();
        var result = Vector.ConditionalSelect(Vector.LessThan(input, Vector.Create(-87.33654f)), Vector<float>.Zero, p * s1 * s2);
        return Vector.ConditionalSelect(Vector.Equals(input, input), result, input);
    }

    /// <summary>d = e^(x − shift); returns Σ d (double).</summary>
    public static double ExpShiftSum(float* x, float shift, float* d, long n)
    {
        var s = Vector.Create(shift);
        var acc = Vector<float>.Zero;
        int w = CpuVec.Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var e = Exp(Vector.Load(x + i) - s);
            e.Store(d + i);
            acc += e;
        }
        double sum = 0;
        for (int l = 0; l < Vector<float>.Count; l++)
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
