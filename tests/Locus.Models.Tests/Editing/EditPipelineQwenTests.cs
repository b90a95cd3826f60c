using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>A tiny random Qwen-Image-Edit folder opened by the edit pipeline (Qwen VAE, Qwen transformer, norm-rescaled true CFG).</summary>
public sealed class QwenEditFixture : IDisposable
{
    public QwenEditFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "locus-qwen-edit-" + Guid.NewGuid().ToString("N"));
        TinyQwenEditModel.Write(Root, seed: 13);
        Backend = new CpuBackend();
        Pipeline = EditPipeline.Open(Root, Backend);
    }

    public string Root { get; }

    public CpuBackend Backend { get; }

    public EditPipeline Pipeline { get; }

    public static EditRequest Request(long seed = 1, int steps = 3) => new()
    {
        Image = TinyModelFixture.SampleImage(),
        Embeddings = TinyQwenEditModel.RandomEmbeddings(6, 21),
        Steps = steps,
        Seed = seed,
    };

    public void Dispose()
    {
        Pipeline.Dispose();
        Backend.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

public sealed class EditPipelineQwenTests(QwenEditFixture fixture) : IClassFixture<QwenEditFixture>
{
    private readonly EditPipeline _pipeline = fixture.Pipeline;

    [Fact]
    public void Edit_QwenFolder_RunsDeterministicallyWithFiniteOutput()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(EditModelKind.QwenImageEdit, _pipeline.Kind);
        var a = _pipeline.Edit(QwenEditFixture.Request(seed: 5), null, ct);
        var b = _pipeline.Edit(QwenEditFixture.Request(seed: 5), null, ct);
        var c = _pipeline.Edit(QwenEditFixture.Request(seed: 6), null, ct);
        int f = _pipeline.VaeFactor;
        Assert.Equal((a.Source.Width, a.Source.Height), (a.Image.Width, a.Image.Height));
        Assert.Equal(new Shape(1, a.Source.Width / f / 2 * (a.Source.Height / f / 2), 4 * 4), a.Latents.Shape);
        Assert.All(a.Latents.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(a.Image.Rgb, b.Image.Rgb);
        Assert.NotEqual(a.Latents.Data, c.Latents.Data);
    }

    [Fact]
    public void Edit_QwenTrueCfgIdenticalNegative_EqualsNoCfg_NegativeWithOtherLengthRuns()
    {
        // comb = v_neg + s·(v − v_neg) = v, rescaled by ‖v‖/‖comb‖ = 1: exactly the positive velocity.
        var ct = TestContext.Current.CancellationToken;
        var positive = TinyQwenEditModel.RandomEmbeddings(6, 21);
        var plain = _pipeline.Edit(QwenEditFixture.Request(seed: 2), null, ct).Latents;
        var same = new PromptEmbeddings(positive.Embeds) { Negative = TinyQwenEditModel.RandomEmbeddings(6, 21) };
        var shorter = new PromptEmbeddings(positive.Embeds) { Negative = TinyQwenEditModel.RandomEmbeddings(3, 99) };
        var withSame = _pipeline.Edit(QwenEditFixture.Request(seed: 2) with { Embeddings = same, TrueCfgScale = 4f }, null, ct).Latents;
        var withShorter = _pipeline.Edit(QwenEditFixture.Request(seed: 2) with { Embeddings = shorter, TrueCfgScale = 4f }, null, ct).Latents;
        Assert.Equal(plain.Data, withSame.Data);
        Assert.NotEqual(plain.Data, withShorter.Data);
        Assert.All(withShorter.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Edit_QwenFlowBlend_UnmaskedTokensEqualSourceLatentsExactly()
    {
        var request = QwenEditFixture.Request(seed: 3) with
        {
            Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)),
            Blend = new BlendOptions(),
        };
        var result = _pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.InRange(BlendAssert.UnmaskedTokensEqualSource(result), 1, result.TokenMask!.Shape.ElementCount - 1);
    }

    [Fact]
    public void Edit_QwenPaddedPrompt_EqualsUnpaddedPromptExactlyUpToPadding()
    {
        // Padded text keys are masked out (−∞): a prompt with two zero-masked padding tokens matches the unpadded one.
        var ct = TestContext.Current.CancellationToken;
        var e = TinyQwenEditModel.RandomEmbeddings(6, 21).Embeds.ToFloatArray();
        var padded = new float[8 * TinyQwenEditModel.TextDim];
        e.CopyTo(padded, 0);
        padded.AsSpan(6 * TinyQwenEditModel.TextDim).Fill(0.7f);
        var mask = HostTensor.FromFloats(new Shape(1, 8), [1, 1, 1, 1, 1, 1, 0, 0]);
        var request = QwenEditFixture.Request(seed: 8);
        var plain = _pipeline.Edit(request, null, ct).Latents.ToFloatArray();
        var withPadding = _pipeline.Edit(request with
        {
            Embeddings = new PromptEmbeddings(HostTensor.FromFloats(new Shape(1, 8, TinyQwenEditModel.TextDim), padded), null, mask),
        }, null, ct).Latents.ToFloatArray();
        double max = plain.Max(v => Math.Abs(v)), err = plain.Zip(withPadding, (p, q) => Math.Abs(p - q)).Max();
        Assert.True(err <= 1e-4 * max, $"padded vs unpadded: max abs diff {err:E3} (max |x| {max:E3})");
    }
}

public sealed class EditPipelineQwenStepsTests(QwenEditFixture fixture) : IClassFixture<QwenEditFixture>
{
    [Fact]
    public void Edit_QwenOneStep_ThrowsNamingTheShiftTerminalSchedule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Pipeline.Edit(QwenEditFixture.Request(steps: 1), null, TestContext.Current.CancellationToken));
        Assert.Contains("at least 2 steps", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>Without steps / true CFG in the request, each model family gets its diffusers pipeline's defaults.</summary>
public sealed class EditPipelineDefaultsTests
{
    [Fact]
    public void Edit_NoStepsOrCfg_KontextRuns28WithoutCfg_QwenRuns50WithCfg4()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var kontext = new TinyModelFixture())
        {
            var positive = TinyKontextModel.RandomEmbeddings(5, 42);
            var request = TinyModelFixture.Request() with { Steps = null, Embeddings = new PromptEmbeddings(positive.Embeds, positive.Pooled) { Negative = TinyKontextModel.RandomEmbeddings(5, 7) } };
            var result = kontext.Pipeline.Edit(request, null, ct);
            Assert.Equal(28, result.Steps);
            Assert.Null(result.TrueCfgScale);                                   // Kontext: true CFG off unless asked
        }
        using var qwen = new QwenEditFixture();
        var q = QwenEditFixture.Request() with { Steps = null, Embeddings = new PromptEmbeddings(TinyQwenEditModel.RandomEmbeddings(6, 21).Embeds) { Negative = TinyQwenEditModel.RandomEmbeddings(3, 9) } };
        var qr = qwen.Pipeline.Edit(q, null, ct);
        Assert.Equal(50, qr.Steps);
        Assert.Equal(4f, qr.TrueCfgScale);
        var noNegative = qwen.Pipeline.Edit(QwenEditFixture.Request() with { Steps = null }, null, ct);
        Assert.Null(noNegative.TrueCfgScale);                                    // no negative prompt: one pass, as diffusers
    }
}
