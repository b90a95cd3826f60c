using Locus.Engine.Graph;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>Host-side choice of the forward variant (LOCUS_FLASH_VARIANT) and of the GRAG k′ pre-pass (no GPU).</summary>
public sealed class FlashVariantSelectionTests
{
    [Theory]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData(" 2 ", 2)]
    [InlineData("3", 1)]
    [InlineData("fast", 1)]
    public void FlashVariant_EnvironmentValue_TwoSelectsVariant2ElseVariant1(string? value, int expected)
    {
        Assert.SkipWhen(AttentionSelector.VariantOverride is not null, "a variant override is active in this process");
        Assert.Equal(expected, AttentionSelector.FlashVariant(value));
    }

    [Theory]
    [InlineData(64, 1, "flash_attention_fwd_d64", 64, 128)]
    [InlineData(128, 1, "flash_attention_fwd_d128", 64, 128)]
    [InlineData(64, 2, "flash_attention_fwd_d64_v2", 128, 256)]
    [InlineData(128, 2, "flash_attention_fwd_d128_v2", 128, 256)]
    public void FlashForward_Variant_EntryAndLaunchShape(int d, int variant, string entry, int rows, int threads)
    {
        var f = AttentionSelector.FlashForward(d, variant);
        Assert.Equal((entry, rows, threads), f);
        // 16 query rows per warp in both variants.
        Assert.Equal(f.RowsPerBlock, f.Threads / 32 * 16);
    }

    [Fact]
    public void Modules_EveryFlashModule_HasBothVariantsAndGenericHasKeyRewrite()
    {
        foreach (var m in CudaAttentionKernels.Modules)
        {
            if (m.Name == AttentionSelector.GenericModule)
            {
                Assert.Contains("attention_grag_rewrite_k", m.Entries);
                continue;
            }
            foreach (int d in new[] { 64, 128 })
            {
                Assert.Contains(AttentionSelector.FlashForward(d, 1).Entry, m.Entries);
                Assert.Contains(AttentionSelector.FlashForward(d, 2).Entry, m.Entries);
            }
        }
    }

    [Fact]
    public void UsesGragPrepass_AllRowsOnFlash_True()
    {
        Assert.SkipWhen(AttentionSelector.ForceGragLogitForm, "the logit form is forced in this process");
        Assert.True(AttentionSelector.UsesGragPrepass(true, [new GragGroup(0, 40), new GragGroup(100, 170)]));
    }

    [Fact]
    public void UsesGragPrepass_RowRestrictedGroupOrGenericPath_False()
    {
        Assert.False(AttentionSelector.UsesGragPrepass(true, [new GragGroup(0, 40), new GragGroup(100, 170, 10, 75)]));
        Assert.False(AttentionSelector.UsesGragPrepass(false, [new GragGroup(0, 40)]));
        Assert.False(AttentionSelector.UsesGragPrepass(true, []));
    }
}
