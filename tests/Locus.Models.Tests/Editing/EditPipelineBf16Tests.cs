using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>The bf16 graphs `locus edit --device cuda` uses, run on the CPU backend.</summary>
public sealed class EditPipelineBf16Tests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Edit_Bf16Graphs_FiniteNearF32AndBlendExact()
    {
        var ct = TestContext.Current.CancellationToken;
        using var backend = new CpuBackend();
        using var bf16 = EditPipeline.Open(fixture.Root, backend, DType.BF16);
        var request = TinyModelFixture.Request(seed: 12, steps: 2) with
        {
            Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)),
            Blend = new BlendOptions(),
        };
        var low = bf16.Edit(request, null, ct);
        var full = fixture.Pipeline.Edit(request, null, ct);
        Assert.Equal((full.Image.Width, full.Image.Height), (low.Image.Width, low.Image.Height));
        Assert.All(low.Latents.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        double err = MmDit.ModelFixtures.RelError(low.Latents, full.Latents);
        double srcErr = MmDit.ModelFixtures.RelError(low.SourceLatents, full.SourceLatents);
        Assert.True(srcErr < 0.1, $"bf16 vs f32 source latents rel err {srcErr:E3}");
        // bf16 graphs round the timestep and guidance scalars to bf16 (as diffusers in bf16; mmdit-spec §1.11), which
        // moves a random-weight model's velocity by several percent: only a loose bound holds here.
        Assert.True(err < 0.5, $"bf16 vs f32 latents rel err {err:E3}");
        // FlowBlend runs on the host in f32: kept tokens equal the bf16 run's own source latents bit for bit.
        BlendAssert.UnmaskedTokensEqualSource(low);
    }
}
