using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>AutoencoderKL on the CPU backend vs diffusers v0.40.0 (tests/fixtures/diffusers/vae_flux_tiny).</summary>
public sealed class AutoencoderKlFixtureTests
{
    // Fixture intermediate name → the node that produces that module's output in our graph (diffusers module paths).
    private static readonly Dictionary<string, string> s_encoderStages = new(StringComparer.Ordinal)
    {
        ["encoder.down_blocks.0"] = "encoder.down_blocks.0.downsamplers.0.conv",
        ["encoder.down_blocks.1"] = "encoder.down_blocks.1.resnets.0",
        ["encoder.mid_block"] = "encoder.mid_block.resnets.1",
        ["encoder"] = "encoder.conv_out",
    };

    private static readonly Dictionary<string, string> s_decoderStages = new(StringComparer.Ordinal)
    {
        ["decoder.conv_in"] = "decoder.conv_in",
        ["decoder.mid_block"] = "decoder.mid_block.resnets.1",
        ["decoder.up_blocks.0"] = "decoder.up_blocks.0.upsamplers.0.conv",
        ["decoder.up_blocks.1"] = "decoder.up_blocks.1.resnets.1",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BuildEncodeMean_FixtureImage_MatchesDiffusersMeanAndIntermediates(bool matMulAttention)
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights) { MatMulAttention = matMulAttention };
        var g = new GraphBuilder();
        var image = g.Input("image", DType.F32, new Shape(1, 3, 32, 32));
        var mean = vae.BuildEncodeMean(g, image);

        Assert.Equal(new Shape(1, 16, 16, 16), mean.Shape);
        var values = VaeFixture.Run(weights, g, [mean], Inputs("image"), s_encoderStages.Values);

        foreach (var (fixtureName, nodeName) in s_encoderStages)
        {
            VaeFixture.AssertClose(VaeFixture.Intermediates[fixtureName].Values, values[nodeName], fixtureName);
        }
        VaeFixture.AssertClose(VaeFixture.Io["latent_dist_mean"].Values, values[mean.Name], "latent_dist_mean");
    }

    [Fact]
    public void BuildEncodeMoments_FixtureImage_LogvarMatchesDiffusers()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var g = new GraphBuilder();
        var moments = vae.BuildEncodeMoments(g, g.Input("image", DType.F32, new Shape(1, 3, 32, 32)));

        float[] m = VaeFixture.Run(weights, g, [moments], Inputs("image"))[moments.Name];

        // diffusers DiagonalGaussianDistribution: logvar = clamp(moments[:, 16:], -30, 20).
        float[] logvar = m.Skip(16 * 16 * 16).Select(v => Math.Clamp(v, -30f, 20f)).ToArray();
        VaeFixture.AssertClose(VaeFixture.Io["latent_dist_logvar"].Values, logvar, "latent_dist_logvar");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BuildDecode_FixtureLatent_MatchesDiffusersDecodedAndIntermediates(bool matMulAttention)
    {
        // matMulAttention: the MatMul → Softmax → MatMul mid-block attention used where the fused kernel caps the head dim (CUDA).
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights) { MatMulAttention = matMulAttention };
        var g = new GraphBuilder();
        var latent = g.Input("decoder_input_latent", DType.F32, new Shape(1, 16, 16, 16));
        var decoded = vae.BuildDecode(g, latent);

        Assert.Equal(new Shape(1, 3, 32, 32), decoded.Shape);
        var values = VaeFixture.Run(weights, g, [decoded], Inputs("decoder_input_latent"), s_decoderStages.Values);

        foreach (var (fixtureName, nodeName) in s_decoderStages)
        {
            VaeFixture.AssertClose(VaeFixture.Intermediates[fixtureName].Values, values[nodeName], fixtureName);
        }
        VaeFixture.AssertClose(VaeFixture.Io["decoded"].Values, values[decoded.Name], "decoded");
    }

    [Fact]
    public void BuildEncodeAndDecode_FixtureWeights_UseEveryTensor()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var g = new GraphBuilder();
        var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 32, 32)));
        var decoded = vae.BuildDecode(g, g.Input("decoder_input_latent", DType.F32, new Shape(1, 16, 16, 16)));

        VaeFixture.Run(weights, g, [mean, decoded], Inputs("image", "decoder_input_latent"));

        Assert.Empty(weights.UnusedKeys());
        Assert.Equal(weights.Keys.Count(), g.Weights.Count);
    }

    [Fact]
    public void For_Cpu_KeepsTheFusedAttention()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        using var backend = new Kernels.Cpu.CpuBackend();
        Assert.False(new AutoencoderKl(VaeFixture.Config(), weights).For(backend, DType.F32).MatMulAttention);
    }

    [Fact]
    public void ToTransformerLatent_FixtureMean_MatchesKontextImageLatents()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var mean = VaeFixture.Tensor(VaeFixture.Io["latent_dist_mean"]);

        float[] host = vae.ToTransformerLatent(mean).ToFloatArray();
        var g = new GraphBuilder();
        var scaled = vae.ToTransformerLatent(g, g.Input("latent_dist_mean", DType.F32, mean.Shape));
        var restored = vae.FromTransformerLatent(g, scaled);
        var values = VaeFixture.Run(weights, g, [scaled, restored], new Dictionary<string, HostTensor> { ["latent_dist_mean"] = mean });

        float[] expected = VaeFixture.Io["kontext_image_latents"].Values;
        Assert.Equal(expected, host); // same two float32 ops as torch: bit-exact
        VaeFixture.AssertClose(expected, values[scaled.Name], "kontext_image_latents (graph)", 1e-6);
        VaeFixture.AssertClose(mean.ToFloatArray(), values[restored.Name], "round trip (graph)", 1e-6);
        VaeFixture.AssertClose(mean.ToFloatArray(), vae.FromTransformerLatent(vae.ToTransformerLatent(mean)).ToFloatArray(), "round trip (host)", 1e-6);
    }

    private static Dictionary<string, HostTensor> Inputs(params string[] names) =>
        names.ToDictionary(n => n, n => VaeFixture.Tensor(VaeFixture.Io[n]), StringComparer.Ordinal);
}
