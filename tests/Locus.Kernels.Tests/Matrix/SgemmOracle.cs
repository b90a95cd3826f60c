using Xunit;

namespace Locus.Kernels.Tests.Matrix;

/// <summary>Random operands and the double-precision oracle the SGEMM tests compare against.</summary>
internal static class SgemmOracle
{
    internal static float[] Random(Random rng, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    /// <summary>|c − (A·B + β·c0)| ≤ 2·K·ε·(Σ|a||b| + |β·c0|) + tiny, with the product evaluated in double.</summary>
    internal static void AssertClose(int m, int n, int k, float[] a, int lda, Func<int, int, float> b,
        float[] c, int ldc, float beta, float[]? c0)
    {
        double eps = Math.Pow(2, -23);
        double err2 = 0, ref2 = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double exact = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double t = (double)a[i * lda + p] * b(p, j);
                    exact += t;
                    abs += Math.Abs(t);
                }
                if (c0 is not null)
                {
                    exact += beta * (double)c0[i * ldc + j];
                    abs += Math.Abs(beta * (double)c0[i * ldc + j]);
                }
                double got = c[i * ldc + j];
                double bound = 2 * (k + 2) * eps * abs + 1e-30;
                Assert.True(Math.Abs(got - exact) <= bound, $"c[{i},{j}] = {got}, exact {exact}, |Δ| {Math.Abs(got - exact):E3} > {bound:E3}");
                err2 += (got - exact) * (got - exact);
                ref2 += exact * exact;
            }
        }
        Assert.True(err2 <= 1e-12 * Math.Max(ref2, 1e-30), $"nmse {err2 / ref2:E3}");
    }
}
