using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>Attention capture, the attention-derived mask source and the region bias inside the edit pipeline.</summary>
public sealed class EditPipelineAttentionTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private readonly EditPipeline _pipeline = fixture.Pipeline;

    [Fact]
    public void Edit_AttentionMask_BinaryMaskFromCapturedMaps_FlowBlendKeepsOutsideTokens()
    {
        var request = TinyModelFixture.Request(seed: 6, steps: 4) with
        {
            Mask = MaskSource.FromAttention([1, 2]),
            Blend = new BlendOptions(),
            Capture = new AttentionCaptureSettings { Steps = 2, Mask = new AttentionMaskSettings { Clusters = 3, FocalTopK = 2, DilationRadius = 0 } },
        };
        var result = _pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        var maps = result.Maps!;
        Assert.Equal(2, maps.Steps);
        Assert.Equal(new Shape(48, 5), maps.TextOnly.Shape);                 // 8×6 target tokens × 5 text tokens
        Assert.Equal(new Shape(48, 48), maps.TargetTarget.Shape);
        Assert.All(maps.TextOnly.ToFloatArray(), v => Assert.InRange(v, 0f, 1f));
        // Text-restricted rows sum to 1 over the text columns.
        var text = maps.TextOnly.ToFloatArray();
        for (int r = 0; r < 48; r++)
        {
            Assert.Equal(1.0, text.AsSpan(r * 5, 5).ToArray().Sum(v => (double)v), 4);
        }
        var mask = result.TokenMask!.ToFloatArray();
        Assert.All(mask, v => Assert.True(v is 0f or 1f));
        Assert.Contains(1f, mask);
        foreach (int focal in maps.Mask!.Focal)
        {
            Assert.Equal(1f, mask[focal]);                                    // the focal points' clusters are in the mask
        }
        BlendAssert.UnmaskedTokensEqualSource(result);
    }

    [Fact]
    public void Edit_CaptureOnly_DoesNotChangeTheResultBitForBit()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = TinyModelFixture.Request(seed: 7) with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)), Blend = new BlendOptions() };
        var plain = _pipeline.Edit(request, null, ct);
        var captured = _pipeline.Edit(request with { Capture = new AttentionCaptureSettings { Steps = 2 } }, null, ct);
        Assert.Null(plain.Maps);
        Assert.NotNull(captured.Maps);
        Assert.Equal(plain.Latents.Data, captured.Latents.Data);
    }

    [Fact]
    public void Edit_RegionBiasAllEditMask_EqualsNoBias_PartialMaskChangesTargetTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        var all = TinyModelFixture.Request(seed: 4) with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 1.0)) };
        var plain = _pipeline.Edit(all, null, ct).Latents;
        var biased = _pipeline.Edit(all with { RegionBias = new RegionBiasSettings() }, null, ct).Latents;
        Assert.Equal(plain.Data, biased.Data);                                // no row outside the mask: the bias never applies
        var half = all with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)) };
        var halfPlain = _pipeline.Edit(half, null, ct).Latents;
        var halfBiased = _pipeline.Edit(half with { RegionBias = new RegionBiasSettings { Tokens = [0, 1, 2] } }, null, ct).Latents;
        Assert.NotEqual(halfPlain.Data, halfBiased.Data);
        Assert.All(halfBiased.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Edit_BadTokenIndices_ThrowNamingTheTokenAndTextLength()
    {
        var ct = TestContext.Current.CancellationToken;
        var e = Assert.Throws<ArgumentException>(() => _pipeline.Edit(TinyModelFixture.Request() with { Mask = MaskSource.FromAttention([7]) }, null, ct));
        Assert.Contains("token 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 text tokens", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _pipeline.Edit(TinyModelFixture.Request() with { Mask = MaskSource.FromAttention([]) }, null, ct));
        Assert.Throws<ArgumentException>(() => _pipeline.Edit(TinyModelFixture.Request() with { RegionBias = new RegionBiasSettings() }, null, ct));
    }

    [Fact]
    public void Synthetic_TinyShapes_RunsAnEditWithRandomWeights()
    {
        using var backend = new CpuBackend();
        var config = fixture.Pipeline.Config!;
        var vae = Models.Vae.AutoencoderKlConfig.FromJson(Path.Combine(fixture.Root, "vae", "config.json"));
        using var pipeline = EditPipeline.Synthetic(config, vae, backend, DType.F32);
        var result = pipeline.Edit(TinyModelFixture.Request(steps: 2), null, TestContext.Current.CancellationToken);
        Assert.Null(pipeline.Folder);
        Assert.Equal((64, 48), (result.Image.Width, result.Image.Height));
        Assert.All(result.Latents.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
    }
}
