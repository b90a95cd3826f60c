using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Common;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>Latent normalisation (latents_mean/latents_std), the decode clamp, and the IImageVae surface of both VAEs.</summary>
public sealed class QwenImageVaeLatentTests
{
    [Fact]
    public void ToAndFromTransformerLatent_RandomMean_MatchFormulaAndRoundTrip()
    {
        var config = QwenImageVaeTestData.Tiny();
        var vae = new QwenImageVae(config, new RandomWeights(DType.F32));
        var mean = SeededNoise.Normal(new Shape(1, 4, 3, 5), 21);
        var g = new GraphBuilder();
        var x = g.Input("mean", DType.F32, mean.Shape);
        var normalized = vae.ToTransformerLatent(g, x);
        var back = vae.FromTransformerLatent(g, normalized);
        var values = Run(g, [normalized, back], new() { ["mean"] = mean });

        float[] m = mean.ToFloatArray();
        int plane = 15;
        for (int i = 0; i < m.Length; i++)
        {
            int c = i / plane;
            double expected = (m[i] - config.LatentsMean[c]) / config.LatentsStd[c];      // pipeline: (mean − μ_c)/σ_c
            Assert.True(Math.Abs(values[0][i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"normalized[{i}] = {values[0][i]}, expected {expected}");
            Assert.True(Math.Abs(values[1][i] - m[i]) <= 1e-6 * (1 + Math.Abs(m[i])), $"round trip [{i}] = {values[1][i]}, expected {m[i]}");
        }
    }

    [Fact]
    public void FromTransformerLatent_RandomLatent_EqualsZTimesStdPlusMean()
    {
        var config = QwenImageVaeTestData.Tiny();
        var vae = new QwenImageVae(config, new RandomWeights(DType.F32));
        var z = SeededNoise.Normal(new Shape(1, 4, 2, 2), 3);
        var g = new GraphBuilder();
        var y = vae.FromTransformerLatent(g, g.Input("z", DType.F32, z.Shape));
        float[] got = Run(g, [y], new() { ["z"] = z })[0];
        float[] zv = z.ToFloatArray();
        for (int i = 0; i < zv.Length; i++)
        {
            int c = i / 4;
            double expected = (zv[i] / (1.0 / config.LatentsStd[c])) + config.LatentsMean[c]; // pipeline: z/(1/σ_c) + μ_c
            Assert.True(Math.Abs(got[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"[{i}] = {got[i]}, expected {expected}");
        }
    }

    [Fact]
    public void ToTransformerLatent_WrongChannelCount_ThrowsArgumentException()
    {
        var vae = new QwenImageVae(QwenImageVaeTestData.Tiny(), new RandomWeights(DType.F32));
        var g = new GraphBuilder();
        Assert.Throws<ArgumentException>(() => vae.ToTransformerLatent(g, g.Input("m", DType.F32, new Shape(1, 16, 2, 2))));
    }

    [Fact]
    public void Clamp_EdgeValues_EqualMathClamp()
    {
        float[] v = [-1e30f, -3f, -1.0001f, -1f, -0.999f, -0f, 0f, 0.5f, 0.999f, 1f, 1.0001f, 7f, 1e30f, float.Epsilon];
        var g = new GraphBuilder();
        var y = QwenImageVae.Clamp(g, g.Input("x", DType.F32, new Shape(1, 1, 2, 7)), "clamped");
        float[] got = Run(g, [y], new() { ["x"] = HostTensor.FromFloats(new Shape(1, 1, 2, 7), v) })[0];
        for (int i = 0; i < v.Length; i++)
        {
            Assert.Equal(Math.Clamp(v[i], -1f, 1f), got[i]);
        }
    }

    [Fact]
    public void ImageVaeInterface_BothVaes_ReportTheirConfig()
    {
        IImageVae flux = new AutoencoderKl(AutoencoderKlConfig.Flux, new RandomWeights(DType.F32));
        IImageVae qwen = new QwenImageVae(QwenImageVaeConfig.QwenImage, new RandomWeights(DType.F32));
        Assert.Equal((16, 8, 3, 3), (flux.LatentChannels, flux.DownsampleFactor, flux.InChannels, flux.OutChannels));
        Assert.Equal((16, 8, 3, 3), (qwen.LatentChannels, qwen.DownsampleFactor, qwen.InChannels, qwen.OutChannels));
        var g = new GraphBuilder();
        var mean = qwen.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 64, 48)));
        Assert.Equal(new Shape(1, 16, 8, 6), mean.Shape);
        Assert.Equal(new Shape(1, 3, 64, 48), qwen.BuildDecode(g, qwen.FromTransformerLatent(g, qwen.ToTransformerLatent(g, mean))).Shape);
    }

    [Fact]
    public void For_CpuBackend_KeepsTheFusedAttention()
    {
        using var backend = new CpuBackend();
        var vae = new QwenImageVae(QwenImageVaeConfig.QwenImage, new RandomWeights(DType.F32)) { MatMulAttention = true };
        Assert.False(vae.For(backend, DType.F32).MatMulAttention); // the CPU kernel takes head dim 384
        Assert.Same(vae.Config, vae.For(backend, DType.BF16).Config);
    }

    private static float[][] Run(GraphBuilder g, Node[] outputs, Dictionary<string, HostTensor> inputs)
    {
        using var backend = new CpuBackend();
        using var executor = new Executor(g.Build(outputs), backend, new RandomWeights(DType.F32));
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
        executor.Run(null, TestContext.Current.CancellationToken);
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }
}
