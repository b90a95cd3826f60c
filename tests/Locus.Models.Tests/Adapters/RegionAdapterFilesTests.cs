using Locus.Cli.Commands;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>region_adapter.json / .safetensors: init from a backbone config, config validation, tensor checks.</summary>
public sealed class RegionAdapterFilesTests
{
    private const string FluxConfig = """{"_class_name":"FluxTransformer2DModel","num_layers":2,"num_single_layers":3,"attention_head_dim":8,"num_attention_heads":2,"joint_attention_dim":32,"in_channels":16,"axes_dims_rope":[2,2,4]}""";
    private const string QwenConfig = """{"_class_name":"QwenImageTransformer2DModel","num_layers":4,"attention_head_dim":8,"num_attention_heads":3,"joint_attention_dim":40,"in_channels":64,"out_channels":16,"axes_dims_rope":[2,2,4]}""";

    [Fact]
    public void RunInit_FluxBackbone_WritesCheckedFilesMatchingTheBackbone()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "m", "transformer"));
        File.WriteAllText(Path.Combine(dir.Path, "m", "transformer", "config.json"), FluxConfig);
        string outDir = Path.Combine(dir.Path, "out");
        var log = new StringWriter();

        Assert.Equal(0, AdapterCommand.RunInit(Path.Combine(dir.Path, "m"), outDir, 5, "f32", log));

        var config = RegionAdapterConfig.Load(Path.Combine(outDir, RegionAdapterFiles.ConfigFile));
        Assert.Equal(16, config.HiddenSize);
        Assert.Equal(2, config.Heads);
        Assert.Equal(8, config.HeadDim);
        Assert.Equal(32, config.TextDim);
        Assert.Equal(16, config.LatentChannels);
        Assert.Equal([0, 1, 2, 3, 4], config.AdaptedBlocks);
        using var store = WeightStore.Open(Path.Combine(outDir, RegionAdapterFiles.WeightsFile));
        RegionAdapterFiles.Check(config, new WeightStoreCatalog(store));
        // Init rules: LayerNorm weights 1, biases 0, matrices with std ≈ 1/√fan_in.
        Assert.All(store.Read("region_adapter.blocks.0.norm.weight").ToFloatArray(), v => Assert.Equal(1f, v));
        Assert.All(store.Read("region_adapter.blocks.0.ff.fc1.bias").ToFloatArray(), v => Assert.Equal(0f, v));
        var fc1 = store.Read("region_adapter.blocks.0.ff.fc1.weight").ToFloatArray();
        double std = Math.Sqrt(fc1.Average(v => (double)v * v));
        Assert.InRange(std, 0.8 / 4, 1.2 / 4);
        Assert.Contains("seed 5", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ForBackbone_QwenConfig_AdaptsEveryBlock()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), QwenConfig);
        var config = RegionAdapterFiles.ForBackbone(dir.Path);
        Assert.Equal(24, config.HiddenSize);
        Assert.Equal(40, config.TextDim);
        Assert.Equal(64, config.LatentChannels);
        Assert.Equal(4, config.AdaptedBlocks.Count);
    }

    [Theory]
    [InlineData("""{"heads": 3, "head_dim": 4, "hidden_size": 8}""", "'heads'")]
    [InlineData("""{"threshold": 1.5}""", "'threshold'")]
    [InlineData("""{"adapted_blocks": [0, -1]}""", "'adapted_blocks'")]
    [InlineData("""{"gate_dim": "big"}""", "'gate_dim'")]
    [InlineData("""{"predictor_dim": 5}""", "'predictor_dim'")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"heads": """, "invalid JSON")]
    public void Parse_MalformedConfig_ThrowsNamingKey(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => RegionAdapterConfig.Parse(json, "region_adapter.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("region_adapter.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MisShapedTensor_NamesTensorAndBothShapes()
    {
        var message = CheckError(t => t["region_adapter.blocks.0.gate.edit"] = new HostTensor(DType.F32, new Shape(5)));
        Assert.Contains("'region_adapter.blocks.0.gate.edit'", message, StringComparison.Ordinal);
        Assert.Contains("[5]", message, StringComparison.Ordinal);
        Assert.Contains("[4]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MissingTensor_NamesTensor()
    {
        var message = CheckError(t => t.Remove("region_adapter.mask_predictor.head.conv2.bias"));
        Assert.Contains("'region_adapter.mask_predictor.head.conv2.bias'", message, StringComparison.Ordinal);
        Assert.Contains("missing", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ExtraTensor_NamesTensor()
    {
        var message = CheckError(t => t["region_adapter.blocks.7.norm.weight"] = new HostTensor(DType.F32, new Shape(8)));
        Assert.Contains("'region_adapter.blocks.7.norm.weight'", message, StringComparison.Ordinal);
        Assert.Contains("extra", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildGate_MisShapedTensor_WeightLoadErrorNamesTensorAndShapes()
    {
        using var fx = new AdapterFixture();
        var wrong = fx.Config with { GateDim = 6 };
        var g = new Engine.Graph.GraphBuilder();
        var e = Assert.Throws<WeightLoadException>(() => BlockAdapter.Gate(fx.Root(g), wrong, 0, g.Input("m", DType.F32, new Shape(1, 3, 1))));
        Assert.Contains("region_adapter.blocks.0.gate.edit", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[6]", e.Message, StringComparison.Ordinal);
    }

    private static string CheckError(Action<Dictionary<string, HostTensor>> corrupt)
    {
        using var dir = new TempDir();
        var config = AdapterFixture.Tiny;
        var tensors = RegionAdapterWeights.Shapes(config).ToDictionary(p => p.Key, p => new HostTensor(DType.F32, p.Value), StringComparer.Ordinal);
        corrupt(tensors);
        string path = Path.Combine(dir.Path, RegionAdapterFiles.WeightsFile);
        SafetensorsWriter.Write(path, tensors);
        using var store = WeightStore.Open(path);
        return Assert.Throws<WeightLoadException>(() => RegionAdapterFiles.Check(config, new WeightStoreCatalog(store))).Message;
    }

    private sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"locus-adapter-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
