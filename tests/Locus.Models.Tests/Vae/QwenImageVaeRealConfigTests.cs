using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Common;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>The hub-sized Qwen-Image VAE (base_dim 96, head dim 384) without a checkpoint, and bf16 activations.</summary>
public sealed class QwenImageVaeRealConfigTests
{
    [Fact]
    public void Build_HubConfig_DeclaresExactlyTheStateDictAtItsT1Shapes()
    {
        // The model's weight requests for the real config equal QwenImageVaeParameters' state_dict (194 tensors), each at
        // its T = 1 view: 5-D [O, I, kt, kh, kw] → [O, I, kh, kw].
        var config = QwenImageVaeConfig.QwenImage;
        var expected = QwenImageVaeParameters.Shapes(config).ToDictionary(
            p => p.Key, p => p.Value.Rank == 5 ? new Shape(p.Value[0], p.Value[1], p.Value[3], p.Value[4]) : p.Value, StringComparer.Ordinal);
        var g = new GraphBuilder();
        var vae = new QwenImageVae(config, new ShapeCatalog(expected));
        vae.CheckCheckpoint();
        vae.BuildDecode(g, vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 16, 16))));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), g.Weights.Keys.Order(StringComparer.Ordinal));
        Assert.All(g.Weights, p => Assert.Equal(expected[p.Key], p.Value.Shape));
    }

    [Fact]
    public void EncodeDecode_HubConfigRandomWeights_FiniteAndClamped()
    {
        // bf16 random weights (as real checkpoints; the CPU widens them on the fly) keep the 127 M parameters at 254 MB.
        using var weights = new RandomWeights(DType.BF16);
        var vae = new QwenImageVae(QwenImageVaeConfig.QwenImage, weights);
        var g = new GraphBuilder();
        var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 16, 24)));   // [1, 16, 2, 3]
        var decoded = vae.BuildDecode(g, mean);                                                   // [1, 3, 16, 24]
        using var backend = new CpuBackend();
        using var executor = new Executor(g.Build(mean, decoded), backend, weights);
        executor.SetInput("image", SeededNoise.Normal(new Shape(1, 3, 16, 24), 4));
        executor.Run(null, TestContext.Current.CancellationToken);
        Assert.Equal(new Shape(1, 16, 2, 3), mean.Shape);
        Assert.All(executor.Read(mean).ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        Assert.All(executor.Read(decoded).ToFloatArray(), v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void EncodeDecode_Bf16Activations_CloseToF32()
    {
        // The CUDA pipeline runs bf16 graphs: the same graph with a bf16 input must run on the CPU and stay near f32.
        var config = QwenImageVaeTestData.Tiny(1);
        string path = QwenImageVaeTestData.WriteTemp(QwenImageVaeTestData.RandomWeights(config, 6));
        try
        {
            var image = SeededNoise.Normal(new Shape(1, 3, 16, 16), 8);
            var results = new List<float[]>();
            foreach (var dtype in new[] { DType.BF16, DType.F32 })
            {
                using var weights = QwenImageVaeWeights.Open(path);
                var vae = new QwenImageVae(config, weights);
                var g = new GraphBuilder();
                var mean = vae.BuildEncodeMean(g, g.Input("image", dtype, image.Shape));
                var decoded = vae.BuildDecode(g, mean, clamp: false);
                Assert.Equal(dtype, decoded.DType);
                var r = QwenImageVaeTestData.Run(weights, g, [mean, decoded], new Dictionary<string, HostTensor> { ["image"] = image });
                results.Add([.. r[0], .. r[1]]);
            }
            double err = QwenImageVaeTestData.RelativeError(results[1].Select(v => (double)v).ToArray(), results[0]);
            TestContext.Current.TestOutputHelper?.WriteLine($"bf16 vs f32 rel err {err:E3}");
            Assert.True(err < 3e-2, $"bf16 vs f32: rel err {err:E3}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class ShapeCatalog(IReadOnlyDictionary<string, Shape> shapes) : IWeightCatalog
    {
        public string Source => "hub-shaped catalog";

        public IEnumerable<string> Keys => shapes.Keys;

        public bool TryGetInfo(string key, out DType dtype, out Shape shape)
        {
            dtype = DType.BF16;
            return shapes.TryGetValue(key, out shape);
        }
    }
}
