using System.Numerics;
using System.Runtime.Intrinsics;
using Locus.Kernels.Cpu.Core;
using Xunit;

namespace Locus.Kernels.Tests.CpuLoops;

/// <summary>
/// The width-generic CPU loops (<see cref="CpuVec"/>, <see cref="CpuActivations"/>) against formulas evaluated in double,
/// at lengths around every lane count (0 … 2·8 + 1 and longer), so the vector body and the scalar tail both run. Under
/// DOTNET_EnableAVX2=0 (the ARM64 dispatch) the same tests run the 4-lane Vector128 body.
/// </summary>
public sealed unsafe class CpuVectorLoopTests
{
    private static readonly int[] s_lengths = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1027];

    [Fact]
    public void Lanes_OnThisCpu_AreTheNativeVectorWidth()
    {
        Assert.SkipUnless(Vector.IsHardwareAccelerated, "vectors are not hardware accelerated here (scalar loops)");
        Assert.Equal(Vector<float>.Count, CpuVec.Lanes);
        // Vector256 is emulated (slow) where it is not accelerated: the loops must then use at most 128-bit vectors.
        Assert.True(Vector256.IsHardwareAccelerated || CpuVec.Lanes <= 4, $"lanes {CpuVec.Lanes} without an accelerated Vector256");
    }

    [Fact]
    public void Binary_AllOpsAllLengths_MatchDouble()
    {
        foreach (int n in s_lengths)
        {
            float[] a = Random(n, 1, -3, 3), b = Random(n, 2, -3, 3), d = new float[n];
            float s = 1.75f;
            for (int op = 0; op < 3; op++)
            {
                // SAFETY: a, b, d hold n floats; pinned for the calls only.
                fixed (float* pa = a, pb = b, pd = d)
                {
                    CpuVec.Binary(op, pa, pb, pd, n);
                    AssertClose(i => Apply(op, a[i], b[i]), d, 1e-6, $"Binary op {op} n {n}");
                    CpuVec.BinaryScalarRight(op, pa, s, pd, n);
                    AssertClose(i => Apply(op, a[i], s), d, 1e-6, $"BinaryScalarRight op {op} n {n}");
                    CpuVec.BinaryScalarLeft(op, s, pb, pd, n);
                    AssertClose(i => Apply(op, s, b[i]), d, 1e-6, $"BinaryScalarLeft op {op} n {n}");
                }
            }
        }
    }

    [Fact]
    public void AffineAndAxpy_AllLengths_MatchDouble()
    {
        foreach (int n in s_lengths)
        {
            float[] x = Random(n, 3, -2, 2), a = Random(n, 4, -2, 2), b = Random(n, 5, -2, 2), d = new float[n];
            // SAFETY: x, a, b, d hold n floats; pinned for the calls only.
            fixed (float* px = x, pa = a, pb = b, pd = d)
            {
                CpuVec.Affine(px, 0.37f, -1.25f, pd, n);
                AssertClose(i => ((double)x[i] * 0.37f) + -1.25f, d, 1e-6, $"Affine n {n}");
                CpuVec.AffineVec(px, pa, pb, pd, n);
                AssertClose(i => ((double)x[i] * a[i]) + b[i], d, 1e-6, $"AffineVec n {n}");
                CpuVec.Axpy(px, -0.6f, pa, pd, n);
                AssertClose(i => x[i] + (-0.6f * (double)a[i]), d, 1e-6, $"Axpy n {n}");
            }
        }
    }

    [Fact]
    public void Reductions_AllLengths_MatchDouble()
    {
        foreach (int n in s_lengths)
        {
            float[] x = Random(n, 6, -5, 5);
            double sum = 0, sq = 0;
            float max = float.NegativeInfinity;
            foreach (float v in x)
            {
                sum += v;
                sq += (v - 0.5) * (v - 0.5);
                max = Math.Max(max, v);
            }
            // SAFETY: x holds n floats; pinned for the calls only.
            fixed (float* px = x)
            {
                Assert.True(Math.Abs(CpuVec.Sum(px, n) - sum) <= 1e-5 * (1 + n), $"Sum n {n}");
                Assert.True(Math.Abs(CpuVec.SumSquares(px, 0.5f, n) - sq) <= 1e-5 * (1 + sq), $"SumSquares n {n}");
                Assert.Equal(max, CpuVec.Max(px, n));
            }
        }
    }

    [Fact]
    public void Max_NaNInAnyLane_ReturnsNaN()
    {
        for (int at = 0; at < 17; at++)
        {
            float[] x = Random(17, 7, -1, 1);
            x[at] = float.NaN;
            // SAFETY: x holds 17 floats; pinned for the call only.
            fixed (float* px = x)
            {
                Assert.True(float.IsNaN(CpuVec.Max(px, 17)), $"NaN at {at}");
            }
        }
    }

    [Fact]
    public void Activations_AllLengths_MatchDouble()
    {
        foreach (int n in s_lengths)
        {
            float[] x = Random(n, 8, -6, 6), d = new float[n];
            // SAFETY: x, d hold n floats; pinned for the calls only.
            fixed (float* px = x, pd = d)
            {
                CpuActivations.Silu(px, pd, n);
                AssertClose(i => x[i] / (1 + Math.Exp(-x[i])), d, 1e-5, $"Silu n {n}");
                CpuActivations.Sigmoid(px, pd, n);
                AssertClose(i => 1 / (1 + Math.Exp(-x[i])), d, 1e-5, $"Sigmoid n {n}");
                CpuActivations.GeluTanh(px, pd, n);
                AssertClose(i => 0.5 * x[i] * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x[i] + (0.044715 * x[i] * x[i] * x[i])))), d, 1e-5, $"GeluTanh n {n}");
                CpuActivations.GeluErf(px, pd, n);
                AssertClose(i => 0.5 * x[i] * (1 + ErfDouble(x[i] / Math.Sqrt(2))), d, 1e-5, $"GeluErf n {n}");
                double sum = CpuActivations.ExpShiftSum(px, 1.5f, pd, n);
                AssertClose(i => Math.Exp(x[i] - 1.5), d, 1e-5, $"ExpShiftSum n {n}");
                double expected = 0;
                for (int i = 0; i < n; i++)
                {
                    expected += Math.Exp(x[i] - 1.5);
                }
                Assert.True(Math.Abs(sum - expected) <= 1e-5 * (1 + expected), $"ExpShiftSum sum n {n}: {sum} vs {expected}");
            }
        }
    }

    [Fact]
    public void Exp_SpecialInputs_FollowTheDocumentedRange()
    {
        var input = new float[Vector<float>.Count];
        float[] probes = [float.NaN, -100f, -87.5f, 0f, 1f, 88.7f, 100f, float.NegativeInfinity];
        foreach (float p in probes)
        {
            Array.Fill(input, p);
            float got = CpuActivations.Exp(new Vector<float>(input))[0];
            if (float.IsNaN(p))
            {
                Assert.True(float.IsNaN(got), "NaN stays NaN");
            }
            else if (p < -87.33654f)
            {
                Assert.Equal(0f, got);
            }
            else
            {
                double e = Math.Exp(Math.Min(p, 88.72283));
                Assert.True(float.IsFinite(got) && Math.Abs(got - e) <= 2e-6 * e, $"exp({p}) = {got}, expected ≈ {e}");
            }
        }
    }

    private static double Apply(int op, double a, double b) => op == 0 ? a + b : op == 1 ? a - b : a * b;

    // erf by its Maclaurin series (|x| ≤ 5: error below 1e-9 in double), ±1 beyond (erfc(5) ≈ 1.5e-12).
    private static double ErfDouble(double x)
    {
        if (Math.Abs(x) > 5)
        {
            return Math.Sign(x);
        }
        double term = x, sum = x, x2 = x * x;
        for (int k = 1; k < 200 && Math.Abs(term) > 1e-18; k++)
        {
            term *= -x2 / k;
            sum += term / ((2 * k) + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static float[] Random(int n, int seed, float lo, float hi)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        }
        return a;
    }

    private static void AssertClose(Func<int, double> expected, float[] got, double tol, string what)
    {
        for (int i = 0; i < got.Length; i++)
        {
            double e = expected(i);
            Assert.True(Math.Abs(got[i] - e) <= tol * Math.Max(1, Math.Abs(e)), $"{what} [{i}]: {got[i]} vs {e}");
        }
    }
}
