using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

public sealed class EditRequestErrorTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private readonly EditPipeline _pipeline = fixture.Pipeline;

    [Fact]
    public void Edit_ZeroSteps_ThrowsArgumentOutOfRangeNamingSteps()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _pipeline.Edit(TinyModelFixture.Request(steps: 0), null, TestContext.Current.CancellationToken));
        Assert.Equal("Steps", e.ParamName);
    }

    [Fact]
    public void Edit_WrongEmbedWidth_ThrowsNamingTensorAndWidth()
    {
        var request = TinyModelFixture.Request() with { Embeddings = new PromptEmbeddings(new HostTensor(DType.F32, new Shape(1, 5, 31)), new HostTensor(DType.F32, new Shape(1, 24))) };
        var e = Assert.Throws<PromptEmbeddingsException>(() => _pipeline.Edit(request, null, TestContext.Current.CancellationToken));
        Assert.Contains("'prompt_embeds'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, N_txt, 32]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_MissingPooled_ThrowsNamingTensor()
    {
        var request = TinyModelFixture.Request() with { Embeddings = new PromptEmbeddings(new HostTensor(DType.F32, new Shape(1, 5, 32))) };
        var e = Assert.Throws<PromptEmbeddingsException>(() => _pipeline.Edit(request, null, TestContext.Current.CancellationToken));
        Assert.Contains("'pooled_prompt_embeds'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithoutPromptEmbeds_ThrowsNamingFileAndTensor()
    {
        string path = Path.Combine(fixture.Root, "bad-embeds.safetensors");
        SafetensorsWriter.Write(path, [new("pooled_prompt_embeds", new HostTensor(DType.F32, new Shape(1, 24)))]);
        var e = Assert.Throws<PromptEmbeddingsException>(() => PromptEmbeddings.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'prompt_embeds' is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotSafetensors_ThrowsNamingFileOnce()
    {
        string path = Path.Combine(fixture.Root, "garbage.safetensors");
        File.WriteAllText(path, "garbage garbage");
        var e = Assert.Throws<PromptEmbeddingsException>(() => PromptEmbeddings.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(path + ": " + path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SavedEmbeddings_RoundTrip()
    {
        string path = Path.Combine(fixture.Root, "embeds.safetensors");
        var original = TinyKontextModel.RandomEmbeddings(4, 3);
        original.Save(path);
        var loaded = PromptEmbeddings.Load(path);
        Assert.Equal(original.Embeds.Data, loaded.Embeds.Data);
        Assert.Equal(original.Pooled!.Data, loaded.Pooled!.Data);
        Assert.Null(loaded.Negative);
    }

    [Fact]
    public void Edit_MaskOfWrongAspect_ThrowsArgumentExceptionNamingBothSizes()
    {
        var request = TinyModelFixture.Request() with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(50, 50, 0.5)) };
        var e = Assert.Throws<ArgumentException>(() => _pipeline.Edit(request, null, TestContext.Current.CancellationToken));
        Assert.Contains("50×50", e.Message, StringComparison.Ordinal);
        Assert.Contains("70×50", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_BlendWithoutMask_ThrowsArgumentException()
    {
        var request = TinyModelFixture.Request() with { Blend = new BlendOptions() };
        var e = Assert.Throws<ArgumentException>(() => _pipeline.Edit(request, null, TestContext.Current.CancellationToken));
        Assert.Contains("need a mask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTensor_ValueOutsideUnitRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => MaskSource.FromTensor(HostTensor.FromFloats(new Shape(1, 2), [0.5f, 1.5f])));
        Assert.Throws<ArgumentException>(() => MaskSource.FromTensor(HostTensor.FromFloats(new Shape(1, 2), [0.5f, float.NaN])));
    }

    [Fact]
    public void Open_FolderWithoutVae_ThrowsNamingIt()
    {
        string dir = Path.Combine(fixture.Root, "novae");
        Directory.CreateDirectory(Path.Combine(dir, "transformer"));
        File.Copy(Path.Combine(fixture.Root, "transformer", "config.json"), Path.Combine(dir, "transformer", "config.json"));
        File.Copy(Path.Combine(fixture.Root, "transformer", "diffusion_pytorch_model.safetensors"), Path.Combine(dir, "transformer", "diffusion_pytorch_model.safetensors"));
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => EditPipeline.Open(dir, backend));
        Assert.Contains("vae/config.json is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_QwenTransformerWithFluxVae_ThrowsNamingTheVaeConfig()
    {
        string dir = Path.Combine(fixture.Root, "qwen");
        foreach (string sub in new[] { "transformer", "vae" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
            File.Copy(Path.Combine(fixture.Root, sub, "diffusion_pytorch_model.safetensors"), Path.Combine(dir, sub, "diffusion_pytorch_model.safetensors"));
        }
        File.WriteAllText(Path.Combine(dir, "transformer", "config.json"), """{"_class_name": "QwenImageTransformer2DModel"}""");
        File.Copy(Path.Combine(fixture.Root, "vae", "config.json"), Path.Combine(dir, "vae", "config.json"));
        using var backend = new CpuBackend();
        var e = Assert.ThrowsAny<Engine.IO.LocusException>(() => EditPipeline.Open(dir, backend));
        Assert.Contains(Path.Combine("qwen", "vae", "config.json"), e.Message, StringComparison.Ordinal);
        Assert.Contains("AutoencoderKLQwenImage", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LatentChannelMismatch_ThrowsNamingBoth()
    {
        string dir = Path.Combine(fixture.Root, "mismatch");
        Directory.CreateDirectory(Path.Combine(dir, "transformer"));
        Directory.CreateDirectory(Path.Combine(dir, "vae"));
        File.WriteAllText(Path.Combine(dir, "transformer", "config.json"), TinyKontextModel.TransformerConfigJson);
        File.Copy(Path.Combine(fixture.Root, "transformer", "diffusion_pytorch_model.safetensors"), Path.Combine(dir, "transformer", "diffusion_pytorch_model.safetensors"));
        File.WriteAllText(Path.Combine(dir, "vae", "config.json"), TinyKontextModel.VaeConfigJson.Replace("\"latent_channels\": 4", "\"latent_channels\": 16", StringComparison.Ordinal));
        File.Copy(Path.Combine(fixture.Root, "vae", "diffusion_pytorch_model.safetensors"), Path.Combine(dir, "vae", "diffusion_pytorch_model.safetensors"));
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => EditPipeline.Open(dir, backend));
        Assert.Contains("latent_channels 16 × 4 must equal the transformer in_channels 16", e.Message, StringComparison.Ordinal);
    }
}
