using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>Weight names and shapes of docs/region-adapter.md; paper-scale sizes; opening an adapter folder.</summary>
public sealed class RegionAdapterWeightsTests
{
    [Theory]
    [InlineData("region_adapter.condition_encoder.mask_embed.edit", new[] { 8 })]
    [InlineData("region_adapter.condition_encoder.type_embed", new[] { 2, 8 })]
    [InlineData("region_adapter.condition_encoder.text_proj.weight", new[] { 8, 5 })]
    [InlineData("region_adapter.condition_encoder.perceiver.queries", new[] { 3, 8 })]
    [InlineData("region_adapter.condition_encoder.perceiver.norm_kv.bias", new[] { 8 })]
    [InlineData("region_adapter.condition_encoder.fusion.layers.0.ff.fc1.weight", new[] { 32, 8 })]
    [InlineData("region_adapter.condition_encoder.fusion.norm_out.weight", new[] { 8 })]
    [InlineData("region_adapter.blocks.0.attn.to_out.weight", new[] { 8, 8 })]
    [InlineData("region_adapter.blocks.0.ff.fc2.weight", new[] { 8, 16 })]
    [InlineData("region_adapter.blocks.0.gate.keep", new[] { 4 })]
    [InlineData("region_adapter.blocks.0.gate.mlp.fc2.weight", new[] { 1, 4 })]
    [InlineData("region_adapter.mask_predictor.queries", new[] { 4, 4 })]
    [InlineData("region_adapter.mask_predictor.film.weight", new[] { 8, 8 })]
    [InlineData("region_adapter.mask_predictor.latent_proj.weight", new[] { 4, 6 })]
    [InlineData("region_adapter.mask_predictor.head.conv1.weight", new[] { 2, 4, 3, 3 })]
    [InlineData("region_adapter.mask_predictor.head.conv2.weight", new[] { 1, 2, 1, 1 })]
    public void Shapes_TinyConfig_HoldsSpecNameWithShape(string name, int[] dims)
    {
        var shapes = RegionAdapterWeights.Shapes(AdapterFixture.Tiny).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Assert.Equal(new Shape(dims), shapes[name]);
    }

    [Fact]
    public void Shapes_PaperScale_MatchesPaperSizes()
    {
        // Appendix B/E: ≈ 78 M parameters per block, ≈ 4.67 B over 60 blocks (D = 3072, 24 × 128).
        var config = new RegionAdapterConfig { AdaptedBlocks = Enumerable.Range(0, 60).ToArray() };
        var one = new RegionAdapterConfig { AdaptedBlocks = [0] };
        var none = new RegionAdapterConfig { AdaptedBlocks = [] };
        double perBlock = RegionAdapterWeights.ParameterCount(one) - RegionAdapterWeights.ParameterCount(none);
        Assert.InRange(perBlock / 1e6, 70, 85);
        Assert.InRange(RegionAdapterWeights.ParameterCount(config) / 1e9, 4.2, 5.2);
    }

    [Fact]
    public void Open_MisShapedTensor_ThrowsNamingTensorAndShapes()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"locus-adapter-open-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var config = AdapterFixture.Tiny;
            File.WriteAllText(Path.Combine(dir, RegionAdapterFiles.ConfigFile), config.ToJson());
            var tensors = RegionAdapterWeights.Shapes(config).ToDictionary(p => p.Key, p => new HostTensor(DType.F32, p.Value), StringComparer.Ordinal);
            tensors["region_adapter.blocks.0.attn.to_q.weight"] = new HostTensor(DType.F32, new Shape(8, 9));
            SafetensorsWriter.Write(Path.Combine(dir, RegionAdapterFiles.WeightsFile), tensors);
            var e = Assert.Throws<WeightLoadException>(() => RegionAdapterFiles.Open(dir));
            Assert.Contains("'region_adapter.blocks.0.attn.to_q.weight'", e.Message, StringComparison.Ordinal);
            Assert.Contains("[8, 9]", e.Message, StringComparison.Ordinal);
            Assert.Contains("[8, 8]", e.Message, StringComparison.Ordinal);

            tensors["region_adapter.blocks.0.attn.to_q.weight"] = new HostTensor(DType.F32, new Shape(8, 8));
            SafetensorsWriter.Write(Path.Combine(dir, RegionAdapterFiles.WeightsFile), tensors);
            var (loaded, store) = RegionAdapterFiles.Open(dir);
            using (store)
            {
                Assert.Equal(config.AdaptedBlocks, loaded.AdaptedBlocks);
                Assert.Equal(config.Threshold, loaded.Threshold);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
