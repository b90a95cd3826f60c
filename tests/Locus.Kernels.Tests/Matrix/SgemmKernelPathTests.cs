using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Gemm;
using Xunit;

namespace Locus.Kernels.Tests.Matrix;

/// <summary>
/// Every SGEMM micro-kernel (AVX-512, AVX2, Vector128, scalar), forced in-process, against the double-precision oracle:
/// ragged shapes around each tile, k = 1, n below NR, m above MC, n above NC, k above KC, transposed f32/bf16/f16 B,
/// β ≠ 0 and row strides wider than the matrices.
/// </summary>
public sealed class SgemmKernelPathTests
{
    private static readonly string[] Kernels = ["avx512", "avx2", "v128", "scalar"];

    // m, n, k, B layout, β, row padding of every operand
    private static readonly (int M, int N, int K, string B, float Beta, int Pad)[] Cases =
    [
        (13, 37, 300, "f32", 0f, 0),      // ragged against every tile, k over KC = 256
        (13, 37, 300, "f32T", 0f, 0),     // transposed B
        (7, 45, 1, "f32", 0f, 0),         // k = 1
        (7, 45, 1, "f32T", 0.5f, 3),      // k = 1, transposed, β, strides
        (19, 3, 50, "f32", 0f, 0),        // n below every NR
        (2, 70, 20, "f32T", 0f, 0),       // m below every MR
        (150, 67, 260, "f32", 0f, 0),     // m over MC, k over KC, threaded (≥ 2^22 flops)
        (3, 4100, 5, "f32", 0f, 0),       // n over NC = 4096
        (11, 29, 270, "bf16", 0f, 0),     // bf16 weights [n, k]
        (11, 29, 270, "f16", 0f, 0),      // f16 weights [n, k]
        (17, 35, 41, "f32", -0.75f, 5),   // β ≠ 0 with strides wider than the rows
        (23, 9, 130, "bf16", 1f, 2),      // β = 1 (accumulate) with bf16 weights and strides
        (9, 21, 33, "f16", 2f, 4),        // β = 2, f16 weights, strides
    ];

    public static TheoryData<string, int> KernelCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string kernel in Kernels)
        {
            for (int i = 0; i < Cases.Length; i++)
            {
                data.Add(kernel, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelCases))]
    public void Multiply_ForcedKernel_WithinRoundingBoundOfDoubleProduct(string kernel, int index)
    {
        SgemmKernel kind = Parse(kernel);
        Assert.SkipUnless(Sgemm.IsSupported(kind), $"this CPU cannot run the {kernel} SGEMM kernel");
        var (m, n, k, layout, beta, pad) = Cases[index];
        bool transposed = layout != "f32";
        int lda = k + pad, ldb = (transposed ? k : n) + pad, ldc = n + pad;
        var rng = new Random(index * 977 + m);
        float[] a = SgemmOracle.Random(rng, m * lda), bf = SgemmOracle.Random(rng, (transposed ? n : k) * ldb);
        // β = 0 must overwrite C: start from NaN there, from random values otherwise.
        float[] c = beta == 0f ? Enumerable.Repeat(float.NaN, m * ldc).ToArray() : SgemmOracle.Random(rng, m * ldc);
        float[] c0 = (float[])c.Clone();
        float[] widened = bf;
        using (Sgemm.ForceKernel(kind))
        {
            Assert.StartsWith(kernel, Sgemm.KernelName, StringComparison.Ordinal);
            switch (layout)
            {
                case "bf16":
                    var wb = bf.Select(BFloat16.FromSingle).ToArray();
                    widened = wb.Select(x => x.ToSingle()).ToArray();
                    Sgemm.MultiplyWeights(m, n, k, a, lda, wb, ldb, c, ldc, beta);
                    break;
                case "f16":
                    var wh = bf.Select(x => (Half)x).ToArray();
                    widened = wh.Select(x => (float)x).ToArray();
                    Sgemm.MultiplyWeights(m, n, k, a, lda, wh, ldb, c, ldc, beta);
                    break;
                default:
                    Sgemm.Multiply(m, n, k, a, lda, bf, ldb, transposed, c, ldc, beta);
                    break;
            }
        }
        Func<int, int, float> b = transposed ? (p, j) => widened[j * ldb + p] : (p, j) => widened[p * ldb + j];
        SgemmOracle.AssertClose(m, n, k, a, lda, b, c, ldc, beta, beta == 0f ? null : c0);
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc; j++)
            {
                Assert.Equal(c0[i * ldc + j], c[i * ldc + j]);
            }
        }
    }

    [Fact]
    public void ForceKernel_Scope_AppliesToThisThreadOnlyAndRestores()
    {
        string before = Sgemm.KernelName;
        string? otherThread = null;
        using (Sgemm.ForceKernel(SgemmKernel.Scalar))
        {
            Assert.Equal("scalar 4x4", Sgemm.KernelName);
            var thread = new Thread(() => otherThread = Sgemm.KernelName);
            thread.Start();
            thread.Join();
        }
        Assert.Equal(before, otherThread);
        Assert.Equal(before, Sgemm.KernelName);
    }

    [Fact]
    public void ForceKernel_UnsupportedKernel_ThrowsPlatformNotSupported()
    {
        var ex = Assert.Throws<PlatformNotSupportedException>(() => Sgemm.ForceKernel((SgemmKernel)99));
        Assert.Contains("kind", ex.Message, StringComparison.Ordinal);
        foreach (string kernel in Kernels)
        {
            SgemmKernel kind = Parse(kernel);
            if (!Sgemm.IsSupported(kind))
            {
                Assert.Throws<PlatformNotSupportedException>(() => Sgemm.ForceKernel(kind));
            }
        }
    }

    private static SgemmKernel Parse(string kernel) => kernel switch
    {
        "avx512" => SgemmKernel.Avx512,
        "avx2" => SgemmKernel.Avx2,
        "v128" => SgemmKernel.Vector128,
        _ => SgemmKernel.Scalar,
    };
}
