using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>The T = 1 weight view (last temporal tap), checkpoint checks and typed errors of the Qwen-Image VAE.</summary>
public sealed class QwenImageVaeWeightsTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    public void LastTemporalTap_5dTensor_CopiesTapKtMinusOne(int kt, int k)
    {
        // x[o, i, a, u, v] = 64·o + 16·i + 4·a + 2·u + v: integers < 256, exact in f32 and bf16.
        foreach (var dtype in new[] { DType.F32, DType.BF16 })
        {
            int o = 3, i = 2;
            var values = new float[o * i * kt * k * k];
            for (int n = 0; n < values.Length; n++)
            {
                int v = n % k, u = n / k % k, a = n / (k * k) % kt, ii = n / (k * k * kt) % i, oo = n / (k * k * kt * i);
                values[n] = (64 * oo) + (16 * ii) + (4 * a) + (2 * u) + v;
            }
            var x = HostTensor.FromFloats(dtype, new Shape(o, i, kt, k, k), values);
            var y = QwenImageVaeWeights.LastTemporalTap(x);
            Assert.Equal(new Shape(o, i, k, k), y.Shape);
            Assert.Equal(dtype, y.DType);
            float[] got = y.ToFloatArray();
            for (int n = 0; n < got.Length; n++)
            {
                int v = n % k, u = n / k % k, ii = n / (k * k) % i, oo = n / (k * k * i);
                Assert.Equal((64 * oo) + (16 * ii) + (4 * (kt - 1)) + (2 * u) + v, got[n]);
            }
        }
        Assert.Throws<ArgumentException>(() => QwenImageVaeWeights.LastTemporalTap(new HostTensor(DType.F32, new Shape(2, 2, 3, 3))));
    }

    [Fact]
    public void TryGetInfo_RandomCheckpoint_Reports5dAsT1ViewOthersAsStored()
    {
        var config = QwenImageVaeTestData.Tiny(1);
        string path = QwenImageVaeTestData.WriteTemp(QwenImageVaeTestData.RandomWeights(config, 2));
        try
        {
            using var weights = QwenImageVaeWeights.Open(path);
            Assert.True(weights.TryGetInfo("encoder.conv_in.weight", out var dtype, out var shape));
            Assert.Equal((DType.F32, new Shape(8, 3, 3, 3)), (dtype, shape));
            Assert.True(weights.TryGetStoredShape("encoder.conv_in.weight", out _, out var stored));
            Assert.Equal(new Shape(8, 3, 3, 3, 3), stored);
            Assert.True(weights.TryGetInfo("quant_conv.weight", out _, out shape));
            Assert.Equal(new Shape(8, 8, 1, 1), shape);
            Assert.True(weights.TryGetInfo("decoder.up_blocks.0.upsamplers.0.time_conv.weight", out _, out shape));
            Assert.Equal(new Shape(64, 32, 1, 1), shape);
            Assert.True(weights.TryGetInfo("decoder.up_blocks.0.upsamplers.0.resample.1.weight", out _, out shape));
            Assert.Equal(new Shape(16, 32, 3, 3), shape);
            Assert.True(weights.TryGetInfo("encoder.mid_block.attentions.0.norm.gamma", out _, out shape));
            Assert.Equal(new Shape(32, 1, 1), shape);
            Assert.False(weights.TryGetInfo("encoder.nothing", out _, out _));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckCheckpointAndRun_FullCheckpoint_EveryTensorUsedOrDeclared()
    {
        var config = QwenImageVaeTestData.Tiny();
        string path = QwenImageVaeTestData.WriteTemp(QwenImageVaeTestData.RandomWeights(config, 4));
        try
        {
            using var weights = QwenImageVaeWeights.Open(path);
            var vae = new QwenImageVae(config, weights);
            vae.CheckCheckpoint();
            var g = new GraphBuilder();
            var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 16, 16)));
            var decoded = vae.BuildDecode(g, mean);
            QwenImageVaeTestData.Run(weights, g, [decoded], new Dictionary<string, HostTensor> { ["image"] = SeededNoise.Normal(new Shape(1, 3, 16, 16), 1) });
            // The TransformerSession rule: unbound keys must be declared by the model (the time_conv tensors are).
            var unbound = weights.Store.UnusedKeys();
            Assert.NotEmpty(unbound);
            Assert.All(unbound, k => Assert.Contains(".time_conv.", k, StringComparison.Ordinal));
            Assert.All(unbound, k => Assert.True(g.Weights.ContainsKey(k), $"'{k}' is neither bound nor declared"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("decoder.conv_in.weight", new[] { 16, 4, 3, 3, 3 })]
    [InlineData("encoder.down_blocks.3.norm1.gamma", new[] { 8 })]
    [InlineData("decoder.up_blocks.0.upsamplers.0.time_conv.weight", new[] { 32, 32, 3, 1, 1 })]
    [InlineData("encoder.mid_block.attentions.0.to_qkv.weight", new[] { 96, 32, 1, 1, 1 })]
    public void CheckCheckpoint_MisShapedTensor_ThrowsNamingTheTensor(string key, int[] shape)
    {
        var config = QwenImageVaeTestData.Tiny();
        var tensors = QwenImageVaeTestData.RandomWeights(config, 4);
        Assert.True(tensors.ContainsKey(key));
        tensors[key] = new HostTensor(DType.F32, new Shape(shape));
        AssertCheckThrows(config, tensors, key);
    }

    [Fact]
    public void CheckCheckpoint_MissingOrExtraTensor_ThrowsNamingIt()
    {
        var config = QwenImageVaeTestData.Tiny();
        var tensors = QwenImageVaeTestData.RandomWeights(config, 4);
        Assert.True(tensors.Remove("decoder.up_blocks.1.resnets.0.conv_shortcut.bias"));
        AssertCheckThrows(config, tensors, "decoder.up_blocks.1.resnets.0.conv_shortcut.bias");

        tensors = QwenImageVaeTestData.RandomWeights(config, 4);
        tensors["decoder.up_blocks.9.extra.weight"] = new HostTensor(DType.F32, new Shape(2, 2));
        AssertCheckThrows(config, tensors, "decoder.up_blocks.9.extra.weight");
    }

    [Fact]
    public void BuildEncodeMean_Plain5dStoreWithoutT1View_ThrowsNamingTensorAndShapes()
    {
        var config = QwenImageVaeTestData.Tiny();
        string path = QwenImageVaeTestData.WriteTemp(QwenImageVaeTestData.RandomWeights(config, 4));
        try
        {
            using var store = WeightStore.Open(path);
            var vae = new QwenImageVae(config, new WeightStoreCatalog(store));
            var g = new GraphBuilder();
            var e = Assert.Throws<WeightLoadException>(() => vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 16, 16))));
            Assert.Contains("'encoder.conv_in.weight'", e.Message, StringComparison.Ordinal);
            Assert.Contains("[8, 3, 3, 3, 3]", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Run_Bf16Checkpoint_EqualsF32RunOfRoundedWeights()
    {
        var config = QwenImageVaeTestData.Tiny(1);
        var bf16 = QwenImageVaeTestData.RandomWeights(config, 8).ToDictionary(p => p.Key, p => p.Value.ConvertTo(DType.BF16), StringComparer.Ordinal);
        var f32 = bf16.ToDictionary(p => p.Key, p => p.Value.ConvertTo(DType.F32), StringComparer.Ordinal);
        var image = SeededNoise.Normal(new Shape(1, 3, 16, 8), 9);
        var results = new List<float[]>();
        foreach (var tensors in new[] { bf16, f32 })
        {
            string path = QwenImageVaeTestData.WriteTemp(tensors);
            try
            {
                using var weights = QwenImageVaeWeights.Open(path);
                var vae = new QwenImageVae(config, weights);
                var g = new GraphBuilder();
                var decoded = vae.BuildDecode(g, vae.BuildEncodeMean(g, g.Input("image", DType.F32, image.Shape)));
                Assert.Equal(tensors == bf16 ? DType.BF16 : DType.F32, g.Weights["decoder.conv_in.weight"].DType);
                results.Add(QwenImageVaeTestData.Run(weights, g, [decoded], new Dictionary<string, HostTensor> { ["image"] = image })[0]);
            }
            finally
            {
                File.Delete(path);
            }
        }
        double err = QwenImageVaeTestData.RelativeError(results[1].Select(v => (double)v).ToArray(), results[0]);
        Assert.True(err <= 1e-6, $"bf16 vs rounded f32: rel err {err:E3}");
    }

    [Theory]
    [InlineData(1, 3, 20, 16)]
    [InlineData(1, 4, 16, 16)]
    [InlineData(1, 3, 0, 16)]
    public void BuildEncodeMean_BadImageShape_ThrowsArgumentException(int b, int c, int h, int w)
    {
        var vae = new QwenImageVae(QwenImageVaeTestData.Tiny(), new RandomWeights(DType.F32));
        var g = new GraphBuilder();
        var e = Assert.Throws<ArgumentException>(() => vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(b, c, h, w))));
        Assert.Equal("image", e.ParamName);
    }

    [Fact]
    public void BuildDecode_BadLatentShape_ThrowsArgumentException()
    {
        var vae = new QwenImageVae(QwenImageVaeTestData.Tiny(), new RandomWeights(DType.F32));
        var g = new GraphBuilder();
        var e = Assert.Throws<ArgumentException>(() => vae.BuildDecode(g, g.Input("latent", DType.F32, new Shape(1, 16, 4, 4))));
        Assert.Equal("latent", e.ParamName);
    }

    private static void AssertCheckThrows(QwenImageVaeConfig config, Dictionary<string, HostTensor> tensors, string key)
    {
        string path = QwenImageVaeTestData.WriteTemp(tensors);
        try
        {
            using var weights = QwenImageVaeWeights.Open(path);
            var e = Assert.Throws<WeightLoadException>(() => new QwenImageVae(config, weights).CheckCheckpoint());
            Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
