using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>
/// Forward variants 2 (8 warps × 16 rows) and 3 (4 warps × 32 rows), both 128 query rows per block, and the GRAG k′ pre-pass on the GPU against the reference backend
/// (double math) at D = 64/128 with N not a multiple of the 64-key / 128-row tiles, plus pre-pass vs in-kernel logit form on
/// the device. Skipped without a GPU.
/// </summary>
[Collection(FlashVariantCollection.Name)]
public sealed class CudaFlashVariantParityTests
{
    // Same bound as CudaAttentionParityTests: bf16 P before P·V, bf16 output.
    private const double Bf16Nmse = 2e-4;

    private static CudaBackend Backend()
    {
        Assert.SkipUnless(CudaBackend.IsAvailable(out string reason), reason);
        return new CudaBackend();
    }

    private static Node[] Build(GraphBuilder g, int b, int h, int nq, int nk, int d, bool bias = false, GragGroup[]? grag = null, float? region = null)
    {
        var q = g.Input("q", DType.BF16, new Shape(b, h, nq, d));
        var k = g.Input("k", DType.BF16, new Shape(b, h, nk, d));
        var v = g.Input("v", DType.BF16, new Shape(b, h, nk, d));
        Node? bn = bias ? g.Input("bias", DType.BF16, new Shape(1, h, nq, nk)) : null;
        Node? scales = grag is null ? null : g.Input("gragScales", DType.F32, new Shape(grag.Length, 2));
        Node? rows = region is null ? null : g.Input("rowMask", DType.F32, new Shape(b, nq));
        Node? cols = region is null ? null : g.Input("colMask", DType.F32, new Shape(nk));
        var o = g.Attention(q, k, v, 1f / MathF.Sqrt(d), bn, grag, scales, region, rows, cols, name: "attn");
        return [o, g.Aux(o)];
    }

    private static float[]? Fill(string name, Shape shape, Random rng) => name switch
    {
        "rowMask" => Enumerable.Range(0, (int)shape.ElementCount).Select(i => i % 3 == 0 ? 0f : 1f).ToArray(),
        "colMask" => Enumerable.Range(0, (int)shape.ElementCount).Select(j => j < shape.ElementCount / 4 ? 1f : 0f).ToArray(),
        "gragScales" => new[] { 1.3f, 0.8f, 0.9f, 1.2f }.Take((int)shape.ElementCount).ToArray(),
        _ => null,
    };

    private static void WithSwitches(int variant, bool forceLogit, Action body)
    {
        int? v = AttentionSelector.VariantOverride;
        bool f = AttentionSelector.ForceGragLogitForm;
        AttentionSelector.VariantOverride = variant;
        AttentionSelector.ForceGragLogitForm = forceLogit;
        try
        {
            body();
        }
        finally
        {
            AttentionSelector.VariantOverride = v;
            AttentionSelector.ForceGragLogitForm = f;
        }
    }

    private static void AssertPasses(int variant, OpCase c)
    {
        using var cuda = Backend();
        WithSwitches(variant, false, () =>
        {
            var r = ParityRunner.Run(c, cuda);
            Assert.True(r.Status == ParityStatus.Passed, $"variant {variant}: {r}");
        });
    }

    [Theory]
    [InlineData(2, 64, 100, 100)]
    [InlineData(2, 64, 129, 70)]
    [InlineData(2, 128, 70, 130)]
    [InlineData(2, 128, 200, 333)]
    [InlineData(2, 128, 300, 65)]
    [InlineData(3, 64, 100, 100)]
    [InlineData(3, 64, 129, 70)]
    [InlineData(3, 128, 70, 130)]
    [InlineData(3, 128, 200, 333)]
    [InlineData(3, 128, 300, 65)]
    public void Variant_Plain_MatchesReference(int variant, int d, int nq, int nk) =>
        AssertPasses(variant, new OpCase($"Attention v{variant}(D={d}, Nq={nq}, Nk={nk})", OpKind.Attention, g => Build(g, 2, 3, nq, nk, d)) { MaxNmse = Bf16Nmse });

    // Variant 3 with a bias falls back to variant 1 (EffectiveVariant); still checked.
    [Theory]
    [InlineData(2, 64)]
    [InlineData(2, 128)]
    [InlineData(3, 128)]
    public void Variant_Bias_MatchesReference(int variant, int d) =>
        AssertPasses(variant, new OpCase($"Attention v{variant}(D={d}, bias)", OpKind.Attention, g => Build(g, 2, 2, 150, 140, d, bias: true)) { MaxNmse = Bf16Nmse });

    // All-rows groups: k′ pre-pass + plain module (variant 3 really runs); row-restricted: in-kernel logit form.
    [Theory]
    [InlineData(2, 128, true)]
    [InlineData(2, 128, false)]
    [InlineData(2, 64, true)]
    [InlineData(3, 128, true)]
    [InlineData(3, 64, true)]
    [InlineData(3, 128, false)]
    public void Variant_Grag_MatchesReference(int variant, int d, bool allRows)
    {
        GragGroup[] groups = allRows ? [new GragGroup(0, 40), new GragGroup(100, 170)] : [new GragGroup(0, 40), new GragGroup(100, 170, 10, 140)];
        AssertPasses(variant, new OpCase($"Attention v{variant}(D={d}, grag allRows={allRows})", OpKind.Attention, g => Build(g, 1, 3, 160, 170, d, grag: groups))
        {
            MaxNmse = Bf16Nmse,
            Fill = Fill,
        });
    }

    [Theory]
    [InlineData(2, 128, -2.5f)]
    [InlineData(2, 64, float.NegativeInfinity)]
    [InlineData(3, 128, float.NegativeInfinity)]
    public void Variant_RegionBias_MatchesReference(int variant, int d, float bias) =>
        AssertPasses(variant, new OpCase($"Attention v{variant}(D={d}, region={bias})", OpKind.Attention, g => Build(g, 2, 2, 177, 150, d, region: bias))
        {
            MaxNmse = Bf16Nmse,
            Fill = Fill,
        });

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    public void GragPrepass_AllRows_MatchesReference(int d) =>
        AssertPasses(1, new OpCase($"Attention(D={d}, grag k' pre-pass)", OpKind.Attention, g => Build(g, 2, 2, 90, 203, d, grag: [new GragGroup(3, 77), new GragGroup(120, 203)]))
        {
            MaxNmse = Bf16Nmse,
            Fill = Fill,
        });

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    public void GragPrepass_AllRows_AgreesWithLogitFormOnDevice(int d)
    {
        using var cuda = Backend();
        var c = new OpCase("grag", OpKind.Attention, g => Build(g, 1, 2, 100, 190, d, grag: [new GragGroup(0, 64), new GragGroup(90, 190)])) { Fill = Fill };
        float[][] prepass = [], logit = [];
        WithSwitches(1, false, () => prepass = CudaAttentionRunner.RunCase(cuda, c));
        WithSwitches(1, true, () => logit = CudaAttentionRunner.RunCase(cuda, c));
        // k′ is rounded to bf16 (relative 2⁻⁹ per key element); both forms agree to that rounding.
        Assert.True(ErrorMetrics.Nmse(prepass[0], logit[0]) < 1e-4, $"out nmse {ErrorMetrics.Nmse(prepass[0], logit[0])}");
        Assert.True(ErrorMetrics.MaxAbs(prepass[1], logit[1]) < 0.05, $"lse max abs {ErrorMetrics.MaxAbs(prepass[1], logit[1])}");
    }
}
