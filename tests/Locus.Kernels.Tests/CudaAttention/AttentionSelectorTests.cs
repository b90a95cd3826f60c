using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>Host-side choices of the CUDA attention family: refusal reasons, flash/generic selection, module list (no GPU).</summary>
public sealed class AttentionSelectorTests
{
    private static Node Attn(DType dtype, int d, int dv = -1, GragGroup[]? grag = null, int h = 2)
    {
        var g = new GraphBuilder();
        dv = dv < 0 ? d : dv;
        var q = g.Input("q", dtype, new Shape(1, h, 10, d));
        var k = g.Input("k", dtype, new Shape(1, h, 12, d));
        var v = g.Input("v", dtype, new Shape(1, h, 12, dv));
        Node? scales = grag is null ? null : g.Input("s", DType.F32, new Shape(grag.Length, 2));
        return g.Attention(q, k, v, 0.125f, grag: grag, gragScales: scales);
    }

    [Fact]
    public void Check_F16_RefusesWithReason()
    {
        string? why = AttentionSelector.Check(Attn(DType.F16, 64));
        Assert.NotNull(why);
        Assert.Contains("F16", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HeadDimOver256_RefusesWithReason()
    {
        string? why = AttentionSelector.Check(Attn(DType.F32, 320));
        Assert.NotNull(why);
        Assert.Contains("320", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OverlappingGragGroups_RefusesWithReason()
    {
        string? why = AttentionSelector.Check(Attn(DType.BF16, 64, grag: [new GragGroup(0, 6), new GragGroup(5, 12)]));
        Assert.NotNull(why);
        Assert.Contains("overlap", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NineGragGroups_RefusesWithReason()
    {
        var groups = Enumerable.Range(0, 9).Select(i => new GragGroup(i, i + 1)).ToArray();
        string? why = AttentionSelector.Check(Attn(DType.BF16, 64, grag: groups));
        Assert.NotNull(why);
        Assert.Contains("8", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DType.BF16, 64, 64, true)]
    [InlineData(DType.BF16, 128, 128, true)]
    [InlineData(DType.BF16, 96, 96, false)]
    [InlineData(DType.BF16, 128, 64, false)]
    [InlineData(DType.F32, 128, 128, false)]
    [InlineData(DType.BF16, 16, 16, false)]
    public void UsesFlash_DtypeAndHeadDim_PicksTensorCorePathOnlyForBf16D64Or128(DType dtype, int d, int dv, bool flash)
    {
        var node = Attn(dtype, d, dv);
        Assert.Null(AttentionSelector.Check(node));
        Assert.Equal(flash, AttentionSelector.UsesFlash(node));
    }

    [Fact]
    public void Modules_EveryOptionCombination_HasAFlashModuleAndTheGenericModule()
    {
        var names = CudaAttentionKernels.Modules.Select(m => m.Name).ToHashSet();
        Assert.Contains(AttentionSelector.GenericModule, names);
        foreach (bool bias in new[] { false, true })
        {
            foreach (bool grag in new[] { false, true })
            {
                foreach (bool region in new[] { false, true })
                {
                    Assert.Contains(AttentionSelector.FlashModule(bias, grag, region), names);
                }
            }
        }
        Assert.Equal(9, names.Count);
        Assert.Contains("flash_attention_capture_d128", KernelCatalog.Get(AttentionSelector.FlashModule(false, false, false)).Entries);
    }

    [Fact]
    public void Register_UnboundContext_AddsAttentionAndCaptureWithChecks()
    {
        var table = new KernelTable();
        CudaAttentionKernels.Register(table, CudaKernelContext.Unbound());
        Assert.True(table.Contains(OpKind.Attention));
        Assert.True(table.Contains(OpKind.AttentionCapture));
        Assert.True(table.Supports(Attn(DType.BF16, 128), out _));
        Assert.False(table.Supports(Attn(DType.F16, 128), out string? why));
        Assert.Contains("F16", why, StringComparison.Ordinal);
    }
}
