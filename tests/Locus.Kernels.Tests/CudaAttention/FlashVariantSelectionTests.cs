using Locus.Engine.Graph;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>Host-side choice of the forward variant (LOCUS_FLASH_VARIANT) and of the GRAG k′ pre-pass (no GPU).</summary>
public sealed class FlashVariantSelectionTests
{
    [Theory]
    [InlineData(null, 3)]
    [InlineData("", 3)]
    [InlineData("1", 1)]
    [InlineData(" 1 ", 1)]
    [InlineData("2", 2)]
    [InlineData(" 2 ", 2)]
    [InlineData("3", 3)]
    [InlineData("4", 3)]
    [InlineData("fast", 3)]
    public void FlashVariant_EnvironmentValue_OneOrTwoSelectsThatVariantElseVariant3(string? value, int expected)
    {
        Assert.SkipWhen(AttentionSelector.VariantOverride is not null, "a variant override is active in this process");
        Assert.Equal(expected, AttentionSelector.FlashVariant(value));
    }

    [Theory]
    [InlineData(64, 1, "flash_attention_fwd_d64", 64, 128)]
    [InlineData(128, 1, "flash_attention_fwd_d128", 64, 128)]
    [InlineData(64, 2, "flash_attention_fwd_d64_v2", 128, 256)]
    [InlineData(128, 2, "flash_attention_fwd_d128_v2", 128, 256)]
    [InlineData(64, 3, "flash_attention_fwd_d64_v3", 128, 128)]
    [InlineData(128, 3, "flash_attention_fwd_d128_v3", 128, 128)]
    public void FlashForward_Variant_EntryAndLaunchShape(int d, int variant, string entry, int rows, int threads)
    {
        var f = AttentionSelector.FlashForward(d, variant);
        Assert.Equal((entry, rows, threads), f);
        // 16 query rows per warp in variants 1 and 2, 32 in variant 3.
        Assert.Equal(f.RowsPerBlock, f.Threads / 32 * (variant == 3 ? 32 : 16));
    }

    [Theory]
    [InlineData(128, 1, 34_816)]
    [InlineData(128, 2, 34_816)]
    [InlineData(128, 3, 69_632)]
    [InlineData(64, 3, 36_864)]
    public void FlashSharedBytes_Variant_TilesOfDPlus8Bf16(int d, int variant, int bytes)
    {
        // K and V: 64 rows each; variant 3 adds a 128-row Q tile. Rows of D + 8 bf16 (2 bytes).
        int rows = variant == 3 ? 64 + 64 + 128 : 64 + 64;
        Assert.Equal(rows * (d + 8) * 2, bytes);
        Assert.Equal(bytes, AttentionSelector.FlashSharedBytes(d, variant));
    }

    [Theory]
    [InlineData(3, false, false, false, 3)]
    [InlineData(3, true, false, false, 1)]
    [InlineData(3, false, true, false, 1)]
    [InlineData(3, false, false, true, 1)]
    [InlineData(2, true, true, true, 2)]
    [InlineData(1, false, false, false, 1)]
    [InlineData(7, false, false, false, 1)]
    public void EffectiveVariant_Variant3WithOptions_FallsBackToVariant1(int requested, bool bias, bool grag, bool region, int expected) =>
        Assert.Equal(expected, AttentionSelector.EffectiveVariant(requested, bias, grag, region));

    [Fact]
    public void Modules_EveryFlashModule_HasVariants1And2_PlainModuleHasVariant3_GenericHasKeyRewrite()
    {
        foreach (var m in CudaAttentionKernels.Modules)
        {
            if (m.Name == AttentionSelector.GenericModule)
            {
                Assert.Contains("attention_grag_rewrite_k", m.Entries);
                Assert.Contains("attention_grag_mean_bf16", m.Entries);
                continue;
            }
            foreach (int d in new[] { 64, 128 })
            {
                Assert.Contains(AttentionSelector.FlashForward(d, 1).Entry, m.Entries);
                Assert.Contains(AttentionSelector.FlashForward(d, 2).Entry, m.Entries);
                Assert.Equal(m.Name == AttentionSelector.FlashModule(false, false, false), m.Entries.Contains(AttentionSelector.FlashForward(d, 3).Entry));
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
