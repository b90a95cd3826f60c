using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class ModelErrorTests
{
    /// <summary>The fixture catalog with one key's shape replaced or removed.</summary>
    private sealed class AlteredCatalog(IWeightCatalog inner, string key, Shape? shape) : IWeightCatalog
    {
        public string Source => inner.Source;

        public IEnumerable<string> Keys => inner.Keys.Where(k => k != key || shape is not null);

        public bool TryGetInfo(string k, out DType dtype, out Shape s)
        {
            bool found = inner.TryGetInfo(k, out dtype, out s);
            if (k == key)
            {
                if (shape is null)
                {
                    return false;
                }
                s = shape.Value;
            }
            return found;
        }
    }

    [Fact]
    public void FromJson_MissingOrUnreadableConfig_ThrowsModelConfigExceptionNamingThePath()
    {
        string missing = Path.Combine(Path.GetTempPath(), "locus-no-such-dir-" + Guid.NewGuid().ToString("N"), "config.json");
        var e = Assert.Throws<ModelConfigException>(() => FluxTransformerConfig.FromJson(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        string dir = Path.GetTempPath();                      // a directory, not a file
        e = Assert.Throws<ModelConfigException>(() => QwenImageTransformerConfig.FromJson(dir));
        Assert.Contains("cannot read the config", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WrongWeightShape_ThrowsNamingKeyAndBothShapes()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var catalog = new AlteredCatalog(new WeightStoreCatalog(store), "transformer_blocks.1.attn.to_k.weight", new Shape(32, 31));
        var e = Assert.Throws<WeightLoadException>(() =>
            new FluxTransformer(FluxTransformerTests.Config()).Build(new GraphBuilder(), catalog, new SequenceLayout(1, 7, 16, 16), DType.F32));
        Assert.Contains("transformer_blocks.1.attn.to_k.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("[32, 31]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[32, 32]", e.Message, StringComparison.Ordinal);
        Assert.Contains("weights.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MissingWeight_ThrowsNamingKey()
    {
        using var store = WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        var catalog = new AlteredCatalog(new WeightStoreCatalog(store), "transformer_blocks.0.img_mod.1.bias", null);
        var e = Assert.Throws<WeightLoadException>(() =>
            new QwenImageTransformer(QwenImageTransformerTests.Config()).Build(new GraphBuilder(), catalog, new SequenceLayout(1, 7, 16, 16), DType.F32));
        Assert.Contains("transformer_blocks.0.img_mod.1.bias", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConfigWiderThanWeights_ThrowsNamingTheFirstMismatch()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var config = FluxTransformerTests.Config() with { JointAttentionDim = 48 };
        var e = Assert.Throws<WeightLoadException>(() =>
            new FluxTransformer(config).Build(new GraphBuilder(), new WeightStoreCatalog(store), new SequenceLayout(1, 7, 16, 16), DType.F32));
        Assert.Contains("context_embedder.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("[32, 48]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_ExtraCheckpointTensor_ThrowsUnused()
    {
        var dir = Directory.CreateTempSubdirectory("locus-models-");
        try
        {
            var tensors = ModelFixtures.Load(ModelFixtures.Flux("weights.safetensors"));
            tensors["extra.weight"] = HostTensor.FromFloats(new Shape(2), [1f, 2f]);
            string path = Path.Combine(dir.FullName, "w.safetensors");
            Engine.IO.Safetensors.SafetensorsWriter.Write(path, tensors);
            using var store = WeightStore.Open(path);
            using var backend = new Kernels.Reference.ReferenceBackend();
            var e = Assert.Throws<WeightLoadException>(() =>
                TransformerSession.Flux(FluxTransformerTests.Config(), store, new SequenceLayout(1, 7, 16, 16), backend, DType.F32));
            Assert.Contains("extra.weight", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("{ \"num_layers\": -1 }", "num_layers")]
    [InlineData("{ \"axes_dims_rope\": [4, 6, 8], \"attention_head_dim\": 16 }", "axes_dims_rope")]
    [InlineData("{ \"guidance_embeds\": \"yes\" }", "guidance_embeds")]
    [InlineData("{ \"attention_head_dim\": 16.5 }", "attention_head_dim")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{ not json", "invalid JSON")]
    public void FluxConfig_Malformed_ThrowsNamingTheKey(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => FluxTransformerConfig.FromJsonText(json, "cfg.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("cfg.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"out_channels\": 8 }", "out_channels")]
    [InlineData("{ \"use_layer3d_rope\": true }", "use_layer3d_rope")]
    [InlineData("{ \"zero_cond_t\": 1 }", "zero_cond_t")]
    public void QwenConfig_Malformed_ThrowsNamingTheKey(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => QwenImageTransformerConfig.FromJsonText(json, "cfg.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configs_Defaults_MatchDiffusers()
    {
        var flux = FluxTransformerConfig.FromJsonText("{}");
        Assert.Equal((64, 19, 38, 128, 24, 4096, 768, false), (flux.InChannels, flux.NumLayers, flux.NumSingleLayers, flux.AttentionHeadDim, flux.NumAttentionHeads, flux.JointAttentionDim, flux.PooledProjectionDim, flux.GuidanceEmbeds));
        Assert.Equal([16, 56, 56], flux.AxesDimsRope);
        var qwen = QwenImageTransformerConfig.FromJsonText("{}");
        Assert.Equal((64, 16, 60, 3584, false), (qwen.InChannels, qwen.OutChannels, qwen.NumLayers, qwen.JointAttentionDim, qwen.ZeroCondT));
    }
}
