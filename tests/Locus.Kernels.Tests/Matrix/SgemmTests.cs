using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Gemm;
using Xunit;

namespace Locus.Kernels.Tests.Matrix;

public sealed class SgemmTests
{
    public static TheoryData<int, int, int, bool> OddShapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        int[][] shapes = [[1, 1, 1], [3, 17, 63], [17, 3, 129], [63, 129, 17], [129, 63, 3], [1, 300, 257], [200, 1, 513], [130, 70, 300], [33, 45, 600]];
        foreach (var s in shapes)
        {
            data.Add(s[0], s[1], s[2], false);
            data.Add(s[0], s[1], s[2], true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void Multiply_OddShapes_WithinRoundingBoundOfDoubleProduct(int m, int n, int k, bool transposeB)
    {
        var rng = new Random(m * 131 + n * 7 + k);
        float[] a = Random(rng, m * k), b = Random(rng, k * n);
        var c = new float[m * n];
        Sgemm.Multiply(m, n, k, a, k, b, transposeB ? k : n, transposeB, c, n);
        AssertClose(m, n, k, a, k, (p, j) => transposeB ? b[j * k + p] : b[p * n + j], c, n, beta: 0, c0: null);
    }

    [Fact]
    public void Multiply_StridedOperandsAndBeta_AccumulatesIntoC()
    {
        int m = 37, n = 41, k = 290, lda = k + 5, ldb = n + 3, ldc = n + 7;
        var rng = new Random(5);
        float[] a = Random(rng, m * lda), b = Random(rng, k * ldb), c = Random(rng, m * ldc);
        float[] c0 = (float[])c.Clone();
        Sgemm.Multiply(m, n, k, a, lda, b, ldb, false, c, ldc, beta: 0.5f);
        AssertClose(m, n, k, a, lda, (p, j) => b[p * ldb + j], c, ldc, beta: 0.5f, c0);
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc; j++)
            {
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
            }
        }
    }

    [Fact]
    public void Multiply_BetaZero_IgnoresNaNInC()
    {
        int m = 9, n = 35, k = 4;
        var rng = new Random(2);
        float[] a = Random(rng, m * k), b = Random(rng, k * n);
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Sgemm.Multiply(m, n, k, a, k, b, n, false, c, n);
        Assert.All(c, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F16)]
    public void MultiplyWeights_HalfWeights_MatchesWidenedProduct(DType dtype)
    {
        int m = 19, n = 77, k = 301;
        var rng = new Random(11);
        float[] a = Random(rng, m * k), wf = Random(rng, n * k);
        var c = new float[m * n];
        float[] widened;
        if (dtype == DType.BF16)
        {
            var w = wf.Select(BFloat16.FromSingle).ToArray();
            widened = w.Select(x => x.ToSingle()).ToArray();
            Sgemm.MultiplyWeights(m, n, k, a, k, w, k, c, n);
        }
        else
        {
            var w = wf.Select(x => (Half)x).ToArray();
            widened = w.Select(x => (float)x).ToArray();
            Sgemm.MultiplyWeights(m, n, k, a, k, w, k, c, n);
        }
        AssertClose(m, n, k, a, k, (p, j) => widened[j * k + p], c, n, beta: 0, c0: null);
    }

    [Fact]
    public void Multiply_OneThreadOrAll_GivesIdenticalResults()
    {
        int m = 300, n = 270, k = 310;
        var rng = new Random(3);
        float[] a = Random(rng, m * k), b = Random(rng, k * n);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        int saved = Sgemm.MaxThreads;
        try
        {
            Sgemm.MaxThreads = 1;
            Sgemm.Multiply(m, n, k, a, k, b, n, false, c1, n);
        }
        finally
        {
            Sgemm.MaxThreads = saved;
        }
        Sgemm.Multiply(m, n, k, a, k, b, n, false, c2, n);
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void Multiply_ShortSpanOrBadStride_ThrowsNamingTheArgument()
    {
        var ex = Assert.Throws<ArgumentException>(() => Sgemm.Multiply(4, 4, 4, new float[15], 4, new float[16], 4, false, new float[16], 4));
        Assert.Equal("a", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(4, 4, 4, new float[16], 3, new float[16], 4, false, new float[16], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.MaxThreads = 0);
    }

    private static float[] Random(Random rng, int count) => SgemmOracle.Random(rng, count);

    private static void AssertClose(int m, int n, int k, float[] a, int lda, Func<int, int, float> b, float[] c, int ldc, float beta, float[]? c0) =>
        SgemmOracle.AssertClose(m, n, k, a, lda, b, c, ldc, beta, c0);
}
