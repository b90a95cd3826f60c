using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>AutoencoderKl paths beyond the fixture config (quant convs, legacy attention weights, key prefix) and its errors.</summary>
public sealed class AutoencoderKlTests
{
    [Fact]
    public void Build_IdentityQuantConvsLegacyAttentionWeightsAndPrefix_MatchFixture()
    {
        // The fixture weights under the prefix "vae.", with every mid-block attention projection stored as a 1×1 conv
        // [C, C, 1, 1] (old checkpoints) and identity quant_conv/post_quant_conv added: outputs must not change.
        string path = Path.Combine(Path.GetTempPath(), $"locus-vae-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var source = WeightStore.Open(VaeFixture.WeightsPath))
            {
                var tensors = source.Keys.ToDictionary(k => "vae." + k, k => Legacy(k, source.Read(k)), StringComparer.Ordinal);
                tensors["vae.quant_conv.weight"] = Identity(32);
                tensors["vae.quant_conv.bias"] = new HostTensor(DType.F32, new Shape(32));
                tensors["vae.post_quant_conv.weight"] = Identity(16);
                tensors["vae.post_quant_conv.bias"] = new HostTensor(DType.F32, new Shape(16));
                SafetensorsWriter.Write(path, tensors);
            }
            using var weights = WeightStore.Open(path, "vae.");
            var vae = new AutoencoderKl(VaeFixture.Config() with { UseQuantConv = true, UsePostQuantConv = true }, weights);
            var g = new GraphBuilder();
            var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 32, 32)));
            var decoded = vae.BuildDecode(g, g.Input("decoder_input_latent", DType.F32, new Shape(1, 16, 16, 16)));
            var inputs = new Dictionary<string, HostTensor>
            {
                ["image"] = VaeFixture.Tensor(VaeFixture.Io["image"]),
                ["decoder_input_latent"] = VaeFixture.Tensor(VaeFixture.Io["decoder_input_latent"]),
            };

            var values = VaeFixture.Run(weights, g, [mean, decoded], inputs);

            VaeFixture.AssertClose(VaeFixture.Io["latent_dist_mean"].Values, values[mean.Name], "latent_dist_mean");
            VaeFixture.AssertClose(VaeFixture.Io["decoded"].Values, values[decoded.Name], "decoded");
            Assert.Empty(weights.UnusedKeys());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BuildEncodeAndDecode_Bf16Checkpoint_MatchesF32RunOfRoundedWeights()
    {
        // Real FLUX VAE checkpoints are bf16: the graph must take the stored dtype and the CPU kernels must widen it
        // exactly, so a bf16 file equals an f32 file holding the same (bf16-rounded) values.
        string dir = Path.Combine(Path.GetTempPath(), $"locus-vae-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string bf16Path = Path.Combine(dir, "bf16.safetensors"), f32Path = Path.Combine(dir, "f32.safetensors");
            using (var source = WeightStore.Open(VaeFixture.WeightsPath))
            {
                var bf16 = source.Keys.ToDictionary(k => k, k => source.Read(k).ConvertTo(DType.BF16), StringComparer.Ordinal);
                SafetensorsWriter.Write(bf16Path, bf16);
                SafetensorsWriter.Write(f32Path, bf16.ToDictionary(p => p.Key, p => p.Value.ConvertTo(DType.F32), StringComparer.Ordinal));
            }
            float[][] results = new float[2][];
            int index = 0;
            foreach (string path in (string[])[bf16Path, f32Path])
            {
                using var weights = WeightStore.Open(path);
                var vae = new AutoencoderKl(VaeFixture.Config(), weights);
                var g = new GraphBuilder();
                var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 32, 32)));
                var decoded = vae.BuildDecode(g, mean);
                Assert.Equal(path == bf16Path ? DType.BF16 : DType.F32, g.Weights["encoder.conv_in.weight"].DType);
                var values = VaeFixture.Run(weights, g, [decoded], new Dictionary<string, HostTensor> { ["image"] = VaeFixture.Tensor(VaeFixture.Io["image"]) });
                results[index++] = values[decoded.Name];
            }
            VaeFixture.AssertClose(results[1], results[0], "bf16 vs rounded-f32 weights");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(1, 3, 31, 32)]
    [InlineData(1, 4, 32, 32)]
    [InlineData(3, 32, 32, 1)]
    public void BuildEncodeMean_BadImageShape_ThrowsArgumentException(int b, int c, int h, int w)
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var g = new GraphBuilder();
        var image = g.Input("image", DType.F32, b == 3 ? new Shape(c, h, w) : new Shape(b, c, h, w));

        var e = Assert.Throws<ArgumentException>(() => vae.BuildEncodeMean(g, image));

        Assert.Equal("image", e.ParamName);
    }

    [Fact]
    public void BuildDecode_WrongLatentChannels_ThrowsArgumentException()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var g = new GraphBuilder();

        var e = Assert.Throws<ArgumentException>(() => vae.BuildDecode(g, g.Input("z", DType.F32, new Shape(1, 4, 16, 16))));

        Assert.Equal("latent", e.ParamName);
    }

    [Theory]
    [InlineData("encoder.down_blocks.1.resnets.0.conv_shortcut.weight", false)]
    [InlineData("decoder.mid_block.attentions.0.to_v.bias", false)]
    [InlineData("encoder.conv_out.weight", true)]
    public void Build_MissingOrMisshapenWeight_ThrowsNamingTheKey(string key, bool wrongShape)
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var catalog = new EditedCatalog(new WeightStoreCatalog(weights), key, wrongShape);
        var vae = new AutoencoderKl(VaeFixture.Config(), catalog);
        var g = new GraphBuilder();

        var e = Assert.Throws<WeightLoadException>(() =>
        {
            vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 32, 32)));
            vae.BuildDecode(g, g.Input("z", DType.F32, new Shape(1, 16, 16, 16)));
        });

        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LatentSizes_FollowDownsampleFactor()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);
        var vae = new AutoencoderKl(VaeFixture.Config(), weights);
        var g = new GraphBuilder();

        var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(2, 3, 8, 12)));
        var image = vae.BuildDecode(g, g.Input("z", DType.F32, new Shape(2, 16, 5, 3)));

        Assert.Equal(new Shape(2, 16, 4, 6), mean.Shape);
        Assert.Equal(new Shape(2, 3, 10, 6), image.Shape);
    }

    private static HostTensor Legacy(string key, HostTensor t) =>
        key.Contains(".attentions.0.to_", StringComparison.Ordinal) && t.Shape.Rank == 2
            ? t.Reshape(new Shape(t.Shape[0], t.Shape[1], 1, 1))
            : t;

    private static HostTensor Identity(int channels)
    {
        var t = new HostTensor(DType.F32, new Shape(channels, channels, 1, 1));
        var span = t.AsSpan<float>();
        for (int i = 0; i < channels; i++)
        {
            span[i * channels + i] = 1f;
        }
        return t;
    }

    /// <summary>A catalog with one key hidden or reported with a wrong shape.</summary>
    private sealed class EditedCatalog(IWeightCatalog inner, string key, bool wrongShape) : IWeightCatalog
    {
        public string Source => "edited";

        public IEnumerable<string> Keys => inner.Keys;

        public bool TryGetInfo(string name, out DType dtype, out Shape shape)
        {
            bool found = inner.TryGetInfo(name, out dtype, out shape);
            if (name != key)
            {
                return found;
            }
            if (!wrongShape)
            {
                return false;
            }
            shape = shape.With(0, shape[0] + 1);
            return true;
        }
    }
}
