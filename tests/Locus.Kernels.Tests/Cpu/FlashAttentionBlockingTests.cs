using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cpu.Attention;
using Locus.Kernels.Reference;
using Locus.Kernels.Tests.Matrix;
using Xunit;

namespace Locus.Kernels.Tests.CpuAttention;

/// <summary>
/// The CPU flash attention's blocking edges (query blocks of 128/64/32 rows, 32-row panels, 8-key groups, 256-key blocks,
/// 32-channel value panels) at every vector width (Vector512, Vector256, Vector128: one generic kernel, 8 × 32, 4 × 16 and
/// 8 × 8 micro-tiles), against the reference backend (double accumulation). A width the CPU does not support is skipped.
/// </summary>
public sealed class FlashAttentionBlockingTests
{
    public static TheoryData<int> Widths() => [512, 256, 128];

    public static TheoryData<int, int, int, int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int, int, int, int>();
        (int B, int H, int Nq, int Nk, int D, int Dv)[] shapes =
        [
            (1, 1, 1, 1, 16, 16),
            (1, 2, 31, 7, 16, 20),
            (1, 2, 33, 9, 40, 40),
            (2, 2, 300, 255, 64, 64),
            (2, 2, 257, 257, 64, 96),
            (1, 3, 129, 513, 128, 128),
            (1, 1, 65, 300, 12, 33),
            (1, 2, 200, 129, 128, 40),
            (1, 1, 40, 70, 256, 256),
            (1, 2, 70, 90, 512, 512),
        ];
        foreach (int width in new[] { 512, 256, 128 })
        {
            foreach (var s in shapes)
            {
                data.Add(width, s.B, s.H, s.Nq, s.Nk, s.D, s.Dv);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Attention_BlockEdgeShape_MatchesReference(int width, int b, int h, int nq, int nk, int d, int dv)
    {
        var inputs = new Dictionary<string, float[]>
        {
            ["q"] = AttentionRunner.Normal(11, (long)b * h * nq * d),
            ["k"] = AttentionRunner.Normal(12, (long)b * h * nk * d),
            ["v"] = AttentionRunner.Normal(13, (long)b * h * nk * dv),
        };
        Node[] Build(GraphBuilder g)
        {
            var att = g.Attention(g.Input("q", DType.F32, new Shape(b, h, nq, d)), g.Input("k", DType.F32, new Shape(b, h, nk, d)),
                g.Input("v", DType.F32, new Shape(b, h, nk, dv)), 1f / MathF.Sqrt(d));
            return [att, g.Aux(att)];
        }
        AssertMatches(width, Build, inputs);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Attention_AllOptionsAcrossKeyAndQueryBlocks_MatchesReference(int width)
    {
        const int b = 2, h = 2, nq = 150, nk = 600, d = 64;
        var inputs = Inputs(21, b, h, nq, nk, d);
        inputs["bias"] = AttentionRunner.Normal(24, (long)b * h * nq * nk);
        inputs["grag_scales"] = [0.8f, 1.3f, 1.2f, 0.7f];
        inputs["region_rows"] = Enumerable.Range(0, b * nq).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        inputs["region_cols"] = Enumerable.Range(0, nk).Select(j => j < 8 || j % 5 == 0 ? 1f : 0f).ToArray();
        Node[] Build(GraphBuilder g)
        {
            var att = g.Attention(g.Input("q", DType.F32, new Shape(b, h, nq, d)), g.Input("k", DType.F32, new Shape(b, h, nk, d)),
                g.Input("v", DType.F32, new Shape(b, h, nk, d)), 0.125f, g.Input("bias", DType.F32, new Shape(b, h, nq, nk)),
                [new GragGroup(0, 5), new GragGroup(200, 530, 10, 140)], g.Input("grag_scales", DType.F32, new Shape(2, 2)),
                float.NegativeInfinity, g.Input("region_rows", DType.F32, new Shape(b, nq)), g.Input("region_cols", DType.F32, new Shape(nk)));
            return [att, g.Aux(att)];
        }
        AssertMatches(width, Build, inputs);
    }

    [Theory]
    [InlineData(512, false)]
    [InlineData(256, false)]
    [InlineData(128, false)]
    [InlineData(512, true)]
    [InlineData(256, true)]
    [InlineData(128, true)]
    public void Attention_KeyMaskBiasAcrossKeyBlocks_MatchesReference(int width, bool region)
    {
        // The model form of the options: a key-mask bias [B, 1, 1, Nk] (−∞ on padded keys; added by the QKᵀ kernels when it
        // is the only option, with the ragged last key group of 597 = 2·256 + 10·8 + 5 finished separately), optionally a region bias.
        const int b = 2, h = 3, nq = 140, nk = 597, d = 64;
        var inputs = Inputs(51, b, h, nq, nk, d);
        inputs["bias"] = Enumerable.Range(0, b * nk).Select(e => e % nk >= 540 - 20 * (e / nk) ? float.NegativeInfinity : 0.01f * (e % 7)).ToArray();
        inputs["region_rows"] = Enumerable.Range(0, b * nq).Select(i => i % 4 == 0 ? 1f : 0f).ToArray();
        inputs["region_cols"] = Enumerable.Range(0, nk).Select(j => j % 3 == 0 ? 1f : 0f).ToArray();
        Node[] Build(GraphBuilder g)
        {
            var att = g.Attention(g.Input("q", DType.F32, new Shape(b, h, nq, d)), g.Input("k", DType.F32, new Shape(b, h, nk, d)),
                g.Input("v", DType.F32, new Shape(b, h, nk, d)), 0.125f, g.Input("bias", DType.F32, new Shape(b, 1, 1, nk)), null, null,
                region ? -2.5f : null, region ? g.Input("region_rows", DType.F32, new Shape(b, nq)) : null,
                region ? g.Input("region_cols", DType.F32, new Shape(nk)) : null);
            return [att, g.Aux(att)];
        }
        AssertMatches(width, Build, inputs);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Attention_RowMaskedInWholeFirstKeyBlock_MatchesReferenceWithoutNaN(int width)
    {
        // Rows 0, 7, 64 and 149 see −∞ on every key of the first 256-key block (and part of the second), finite keys after.
        const int nq = 150, nk = 520, d = 64;
        var inputs = Inputs(31, 1, 1, nq, nk, d);
        var bias = new float[nq * nk];
        foreach (int row in new[] { 0, 7, 64, 149 })
        {
            Array.Fill(bias, float.NegativeInfinity, row * nk, 300);
        }
        inputs["bias"] = bias;
        var outputs = AssertMatches(width, g => BuildWithBias(g, nq, nk, d), inputs);
        Assert.DoesNotContain(outputs[0], float.IsNaN);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Attention_RowWithEveryKeyMaskedInLaterQueryBlock_ThrowsTypedError(int width)
    {
        const int nq = 150, nk = 300, d = 16;
        var inputs = Inputs(41, 1, 1, nq, nk, d);
        var bias = new float[nq * nk];
        Array.Fill(bias, float.NegativeInfinity, 141 * nk, nk);
        inputs["bias"] = bias;
        UseWidth(width);
        try
        {
            var ex = Assert.Throws<InvalidOperationException>(() => AttentionRunner.Run(new CpuBackend(), g => BuildWithBias(g, nq, nk, d), inputs));
            Assert.Contains("row 141", ex.Message, StringComparison.Ordinal);
            Assert.Contains("no finite logit", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            FlashAttention.ForcedWidth = 0;
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Exp_PolynomialOnSoftmaxRange_WithinTwoUlpOfDoubleExpAndZeroBelowRange(int width)
    {
        Assert.SkipUnless(FlashAttention.WidthSupported(width), $"Vector{width} is not supported on this CPU");
        // The softmax only evaluates e^x for x ≤ 0: a dense sweep of [−87.33, 0], the range edges, and values below it.
        var xs = new List<float> { 0f, -0f, -1e-30f, -1e-7f, -0.5f, -0.6931472f, -1f, -87.3365f, -87.33654f, -87.34f, -88f, -100f, -1e30f, float.NegativeInfinity };
        var rng = new Random(5);
        while (xs.Count % 16 != 0 || xs.Count < 4096)
        {
            xs.Add(-(float)(rng.NextDouble() * 87.3365));
        }
        float[] x = [.. xs], y = new float[x.Length];
        FlashAttention.ExpForTests(x, y, width);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < -87.33654f)
            {
                Assert.True(y[i] == 0f, $"e^{x[i]} = {y[i]}, expected 0");
                continue;
            }
            double expected = Math.Exp(x[i]);
            double ulp = (double)MathF.BitIncrement((float)expected) - (float)expected;
            Assert.True(Math.Abs(y[i] - expected) <= 2 * ulp, $"e^{x[i]}: got {y[i]:R}, expected {expected:R} (ulp {ulp:E2})");
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]
    [InlineData(-1)]
    public void ForcedWidth_NotAVectorWidth_ThrowsTypedErrorAndKeepsDefault(int width)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.ForcedWidth = width);
        Assert.Contains("width", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, FlashAttention.ForcedWidth);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.ExpForTests(new float[16], new float[16], width));
    }

    private static Node[] BuildWithBias(GraphBuilder g, int nq, int nk, int d)
    {
        var att = g.Attention(g.Input("q", DType.F32, new Shape(1, 1, nq, d)), g.Input("k", DType.F32, new Shape(1, 1, nk, d)),
            g.Input("v", DType.F32, new Shape(1, 1, nk, d)), 0.125f, g.Input("bias", DType.F32, new Shape(1, 1, nq, nk)));
        return [att, g.Aux(att)];
    }

    private static Dictionary<string, float[]> Inputs(int seed, int b, int h, int nq, int nk, int d) => new()
    {
        ["q"] = AttentionRunner.Normal(seed, (long)b * h * nq * d),
        ["k"] = AttentionRunner.Normal(seed + 1, (long)b * h * nk * d),
        ["v"] = AttentionRunner.Normal(seed + 2, (long)b * h * nk * d),
    };

    /// <summary>Forces the kernels of <paramref name="width"/> bits in this async flow, or skips the test where the CPU lacks them.</summary>
    private static void UseWidth(int width)
    {
        Assert.SkipUnless(FlashAttention.WidthSupported(width), $"Vector{width} is not supported on this CPU");
        FlashAttention.ForcedWidth = width;
    }

    /// <summary>Runs the graph on the CPU backend (kernels of <paramref name="width"/> bits) and the reference; out nmse &lt; 1e-10, lse nmse &lt; 1e-12.</summary>
    private static float[][] AssertMatches(int width, Func<GraphBuilder, Node[]> build, Dictionary<string, float[]> inputs)
    {
        float[][] cpu;
        UseWidth(width);
        try
        {
            cpu = AttentionRunner.Run(new CpuBackend(), build, inputs);
        }
        finally
        {
            FlashAttention.ForcedWidth = 0;
        }
        var reference = AttentionRunner.Run(new ReferenceBackend(), build, inputs);
        double outNmse = AttentionRunner.Nmse(cpu[0], reference[0]), lseNmse = AttentionRunner.Nmse(cpu[1], reference[1]);
        Assert.True(outNmse < 1e-10, $"out nmse {outNmse:E2}");
        Assert.True(lseNmse < 1e-12, $"lse nmse {lseNmse:E2}");
        return cpu;
    }
}
