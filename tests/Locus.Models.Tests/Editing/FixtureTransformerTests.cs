using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Locus.Models.MmDit;
using Locus.Models.Pipelines;
using Locus.Models.Tests.MmDit;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>
/// The diffusers fixture transformer (flux_kontext_tiny, in_channels 16) cannot pair with the fixture VAE (16 latent
/// channels → 64 packed); it is paired here with the tiny random VAE (4 latent channels → 16 packed).
/// </summary>
public sealed class FixtureTransformerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "locus-edit-fx-" + Guid.NewGuid().ToString("N"));

    public FixtureTransformerTests()
    {
        TinyKontextModel.Write(_root, seed: 2);
        File.Copy(ModelFixtures.Flux("weights.safetensors"), Path.Combine(_root, "transformer", "diffusion_pytorch_model.safetensors"), overwrite: true);
        File.WriteAllText(Path.Combine(_root, "transformer", "config.json"), ModelFixtures.CaseConfig(ModelFixtures.Flux("CASE.json")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Edit_FixtureTransformer_DeterministicImageAndSourceLatentsMatchVaeOracle()
    {
        using var backend = new CpuBackend();
        using var pipeline = EditPipeline.Open(_root, backend);
        var request = TinyModelFixture.Request(seed: 8, steps: 2) with { Image = TinyModelFixture.SampleImage(64, 64) };
        var a = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        var b = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.Equal((64, 64), (a.Image.Width, a.Image.Height));
        Assert.Equal(a.Image.Rgb, b.Image.Rgb);

        // Oracle for the reference tokens: the VAE forward runner's posterior mean, host normalisation and host packing.
        using var store = WeightStore.Open(Path.Combine(_root, "vae"));
        var vaeConfig = AutoencoderKlConfig.FromJson(Path.Combine(_root, "vae", "config.json"));
        var mean = ForwardRunner.Vae(vaeConfig, store, new Dictionary<string, HostTensor> { ["image"] = Engine.IO.Images.ImageTensors.ToTensor(a.Source) }, backend, DType.F32)["latent_dist_mean"];
        var expected = LatentPacking.Pack(new AutoencoderKl(vaeConfig, store).ToTransformerLatent(mean));
        Assert.Equal(expected.Shape, a.SourceLatents.Shape);
        Assert.True(ModelFixtures.RelError(a.SourceLatents, expected) <= 1e-6);
    }
}
