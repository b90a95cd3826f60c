using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Locus.Models.MmDit;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>TinyQwenEditModel: the written folder opens as Qwen-Image-Edit, its VAE runs, its transformer binds every tensor.</summary>
public sealed class QwenImageVaeTinyModelTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "locus-tinyqwen-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void TinyQwenEditModel_Write_OpensAsQwenImageEditWithQwenScheduler()
    {
        TinyQwenEditModel.Write(_root, seed: 5);
        var folder = ModelFolder.Open(_root);
        Assert.Equal(EditModelKind.QwenImageEdit, folder.Kind);
        Assert.Equal(FlowMatchSchedulerConfigValues(Models.Scheduling.FlowMatchSchedulerConfig.QwenImage), FlowMatchSchedulerConfigValues(folder.Scheduler));
    }

    [Fact]
    public void TinyQwenEditModel_Vae_EncodesAndDecodesWithEveryTensorUsedOrDeclared()
    {
        TinyQwenEditModel.Write(_root, seed: 5);
        var folder = ModelFolder.Open(_root);
        var config = QwenImageVaeConfig.FromJson(folder.VaeConfig);
        using var weights = QwenImageVaeWeights.Open(folder.VaeDir);
        Assert.Contains(weights.Keys, k => k.Contains(".time_conv.", StringComparison.Ordinal));
        IImageVae vae = new QwenImageVae(config, weights);
        ((QwenImageVae)vae).CheckCheckpoint();
        Assert.Equal((4, 4), (vae.LatentChannels, vae.DownsampleFactor));

        var g = new GraphBuilder();
        var image = g.Input("image", DType.F32, new Shape(1, 3, 16, 24));
        var latent = vae.ToTransformerLatent(g, vae.BuildEncodeMean(g, image));              // [1, 4, 4, 6]
        var decoded = vae.BuildDecode(g, vae.FromTransformerLatent(g, latent));              // [1, 3, 16, 24]
        Assert.Equal(new Shape(1, 4, 4, 6), latent.Shape);
        Assert.Equal(new Shape(1, 3, 16, 24), decoded.Shape);
        using var backend = new CpuBackend();
        using (var executor = new Executor(g.Build(latent, decoded), backend, weights))
        {
            executor.SetInput("image", SeededNoise.Normal(new Shape(1, 3, 16, 24), 2));
            executor.Run(null, TestContext.Current.CancellationToken);
            Assert.All(executor.Read(latent).ToFloatArray(), v => Assert.True(float.IsFinite(v)));
            Assert.All(executor.Read(decoded).ToFloatArray(), v => Assert.InRange(v, -1f, 1f));
        }
        Assert.All(weights.Store.UnusedKeys(), k => Assert.True(g.Weights.ContainsKey(k), $"'{k}' is neither bound nor declared"));
    }

    [Fact]
    public void TinyQwenEditModel_Transformer_BindsWithNoUnusedTensors()
    {
        TinyQwenEditModel.Write(_root, seed: 5);
        var folder = ModelFolder.Open(_root);
        var config = QwenImageTransformerConfig.FromJson(folder.TransformerConfig);
        Assert.Equal(4 * 4, config.InChannels); // 4 VAE latent channels packed 2×2
        using var store = WeightStore.Open(folder.TransformerDir);
        using var backend = new CpuBackend();
        // TransformerSession.Qwen throws WeightLoadException if any checkpoint tensor is missing, mis-shaped or unused.
        using var session = TransformerSession.Qwen(config, store, new SequenceLayout(1, 3, 6, 6), backend, DType.F32, textMask: false);
        Assert.NotNull(session.Output);
        var embeds = TinyQwenEditModel.RandomEmbeddings(3, 1);
        Assert.Equal(new Shape(1, 3, TinyQwenEditModel.TextDim), embeds.Embeds.Shape);
    }

    [Fact]
    public void TinyQwenEditModel_SameSeed_WritesIdenticalFiles()
    {
        string other = _root + "-b";
        try
        {
            TinyQwenEditModel.Write(_root, seed: 9);
            TinyQwenEditModel.Write(other, seed: 9);
            foreach (string rel in (string[])["vae/diffusion_pytorch_model.safetensors", "transformer/diffusion_pytorch_model.safetensors"])
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(_root, rel)), File.ReadAllBytes(Path.Combine(other, rel)));
            }
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    private static (double, bool, double, double, int, int, double?) FlowMatchSchedulerConfigValues(Models.Scheduling.FlowMatchSchedulerConfig c) =>
        (c.Shift, c.UseDynamicShifting, c.BaseShift, c.MaxShift, c.BaseImageSeqLen, c.MaxImageSeqLen, c.ShiftTerminal);
}
