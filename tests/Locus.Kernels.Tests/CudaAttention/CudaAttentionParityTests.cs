using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>
/// Attention and AttentionCapture on the GPU against the reference backend (double math): both paths (bf16 tensor-core
/// kernel at D = 64/128, generic kernel at D = 16 and for F32), N not a multiple of the 64-row tile, every option.
/// Skipped with CudaBackend's reason when no GPU is present.
/// </summary>
public sealed class CudaAttentionParityTests
{
    // bf16 q/k/v and a bf16 output: P is rounded to bf16 before P·V in the tensor-core kernel, the output to bf16.
    private const double Bf16Nmse = 2e-4;

    // f32 generic path: f32 accumulation over ≤ 300 keys vs double.
    private const double F32Nmse = 1e-8;

    private static CudaBackend Backend()
    {
        Assert.SkipUnless(CudaBackend.IsAvailable(out string reason), reason);
        return new CudaBackend();
    }

    private static Node[] Build(GraphBuilder g, DType dt, int b, int h, int nq, int nk, int d, bool bias = false, DType biasType = DType.F32,
        GragGroup[]? grag = null, float? region = null)
    {
        var q = g.Input("q", dt, new Shape(b, h, nq, d));
        var k = g.Input("k", dt, new Shape(b, h, nk, d));
        var v = g.Input("v", dt, new Shape(b, h, nk, d));
        Node? bn = bias ? g.Input("bias", biasType, new Shape(1, h, nq, nk)) : null;
        Node? scales = grag is null ? null : g.Input("gragScales", DType.F32, new Shape(grag.Length, 2));
        Node? rows = region is null ? null : g.Input("rowMask", DType.F32, new Shape(b, nq));
        Node? cols = region is null ? null : g.Input("colMask", DType.F32, new Shape(nk));
        var o = g.Attention(q, k, v, 1f / MathF.Sqrt(d), bn, grag, scales, region, rows, cols, name: "attn");
        return [o, g.Aux(o)];
    }

    // Masks: rowMask 0 on every third row, colMask 1 on the first quarter of the keys; GRAG scales (λ, δ) = (1.3, 0.8), (0.9, 1.2).
    private static float[]? Fill(string name, Shape shape, Random rng) => name switch
    {
        "rowMask" => Enumerable.Range(0, (int)shape.ElementCount).Select(i => i % 3 == 0 ? 0f : 1f).ToArray(),
        "colMask" => Enumerable.Range(0, (int)shape.ElementCount).Select(j => j < shape.ElementCount / 4 ? 1f : 0f).ToArray(),
        "gragScales" => new[] { 1.3f, 0.8f, 0.9f, 1.2f }.Take((int)shape.ElementCount).ToArray(),
        _ => null,
    };

    private static void AssertPasses(OpCase c)
    {
        using var cuda = Backend();
        var r = ParityRunner.Run(c, cuda);
        Assert.True(r.Status == ParityStatus.Passed, r.ToString());
    }

    [Theory]
    [InlineData(DType.BF16, 64, 100, 100)]
    [InlineData(DType.BF16, 128, 70, 130)]
    [InlineData(DType.BF16, 128, 200, 333)]
    [InlineData(DType.BF16, 16, 37, 50)]
    [InlineData(DType.F32, 16, 37, 50)]
    [InlineData(DType.F32, 128, 65, 129)]
    public void Attention_Plain_MatchesReference(DType dt, int d, int nq, int nk) =>
        AssertPasses(new OpCase($"Attention(type={dt}, D={d}, Nq={nq}, Nk={nk})", OpKind.Attention, g => Build(g, dt, 2, 3, nq, nk, d))
        {
            MaxNmse = dt == DType.F32 ? F32Nmse : Bf16Nmse,
        });

    [Theory]
    [InlineData(DType.BF16, 128, DType.F32)]
    [InlineData(DType.BF16, 64, DType.BF16)]
    [InlineData(DType.F32, 16, DType.F32)]
    public void Attention_Bias_MatchesReference(DType dt, int d, DType biasType) =>
        AssertPasses(new OpCase($"Attention(type={dt}, D={d}, bias={biasType})", OpKind.Attention, g => Build(g, dt, 2, 2, 90, 140, d, bias: true, biasType: biasType))
        {
            MaxNmse = dt == DType.F32 ? F32Nmse : Bf16Nmse,
        });

    [Theory]
    [InlineData(DType.BF16, 128, true)]
    [InlineData(DType.BF16, 128, false)]
    [InlineData(DType.BF16, 64, false)]
    [InlineData(DType.F32, 16, true)]
    [InlineData(DType.F32, 16, false)]
    public void Attention_Grag_MatchesReference(DType dt, int d, bool allRows)
    {
        GragGroup[] groups = allRows ? [new GragGroup(0, 40), new GragGroup(100, 170)] : [new GragGroup(0, 40), new GragGroup(100, 170, 10, 75)];
        AssertPasses(new OpCase($"Attention(type={dt}, D={d}, grag allRows={allRows})", OpKind.Attention, g => Build(g, dt, 1, 3, 96, 170, d, grag: groups))
        {
            MaxNmse = dt == DType.F32 ? F32Nmse : Bf16Nmse,
            Fill = Fill,
        });
    }

    [Theory]
    [InlineData(DType.BF16, 128, -2.5f)]
    [InlineData(DType.BF16, 128, float.NegativeInfinity)]
    [InlineData(DType.F32, 16, float.NegativeInfinity)]
    public void Attention_RegionBias_MatchesReference(DType dt, int d, float bias) =>
        AssertPasses(new OpCase($"Attention(type={dt}, D={d}, region={bias})", OpKind.Attention, g => Build(g, dt, 2, 2, 77, 150, d, region: bias))
        {
            MaxNmse = dt == DType.F32 ? F32Nmse : Bf16Nmse,
            Fill = Fill,
        });

    [Theory]
    [InlineData(DType.BF16, 128)]
    [InlineData(DType.F32, 16)]
    public void Attention_RegionBiasMasksEveryKey_Throws(DType dt, int d)
    {
        using var cuda = Backend();
        var c = new OpCase("all masked", OpKind.Attention, g => Build(g, dt, 1, 2, 20, 30, d, region: float.NegativeInfinity))
        {
            Fill = (name, shape, rng) => name is "rowMask" or "colMask" ? Enumerable.Repeat(name == "rowMask" ? 0f : 1f, (int)shape.ElementCount).ToArray() : null,
        };
        var g = new GraphBuilder();
        var outputs = c.Build(g);
        var graph = g.Build(outputs);
        var e = Assert.Throws<InvalidOperationException>(() => CudaAttentionRunner.Run(cuda, graph, ParityRunner.MakeInputs(c, graph, 1), outputs));
        Assert.Contains("no finite logit", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DType.BF16, 128)]
    [InlineData(DType.F32, 16)]
    public void Attention_GragIdentityScales_EqualsPlainOnDevice(DType dt, int d)
    {
        using var cuda = Backend();
        var plain = new OpCase("plain", OpKind.Attention, g => Build(g, dt, 1, 2, 80, 120, d));
        var grag = new OpCase("grag(1,1)", OpKind.Attention, g => Build(g, dt, 1, 2, 80, 120, d, grag: [new GragGroup(10, 90), new GragGroup(95, 120, 0, 40)]))
        {
            Fill = (name, shape, rng) => name == "gragScales" ? Enumerable.Repeat(1f, (int)shape.ElementCount).ToArray() : null,
        };
        var a = CudaAttentionRunner.RunCase(cuda, plain);
        var b = CudaAttentionRunner.RunCase(cuda, grag);
        // δ = 1, λ − δ = 0: the logit form is the identity up to f32 rounding of s·δ; outputs agree to bf16/f32 rounding.
        Assert.True(ErrorMetrics.Nmse(b[0], a[0]) < (dt == DType.F32 ? 1e-12 : 1e-6), $"nmse {ErrorMetrics.Nmse(b[0], a[0])}");
        Assert.True(ErrorMetrics.MaxAbs(b[1], a[1]) < 1e-5, $"lse max abs {ErrorMetrics.MaxAbs(b[1], a[1])}");
    }
}
