using Locus.Engine.IO;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>QwenImageVaeConfig parsing: the hub config, the tiny model's config, and typed errors naming the source and key.</summary>
public sealed class QwenImageVaeConfigTests
{
    // The Qwen/Qwen-Image vae/config.json keys (hub), values as the diffusers defaults (mmdit-spec §4.2).
    private const string HubJson = """
        {"_class_name": "AutoencoderKLQwenImage", "_diffusers_version": "0.34.0.dev0", "attn_scales": [], "base_dim": 96,
         "dim_mult": [1, 2, 4, 4], "dropout": 0.0,
         "latents_mean": [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921],
         "latents_std": [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.916],
         "num_res_blocks": 2, "temperal_downsample": [false, true, true], "z_dim": 16}
        """;

    [Fact]
    public void FromJsonText_HubConfig_EqualsBuiltInQwenImageConfig()
    {
        var c = QwenImageVaeConfig.FromJsonText(HubJson);
        var q = QwenImageVaeConfig.QwenImage;
        Assert.Equal((96, 16, 2, 3, 8), (c.BaseDim, c.ZDim, c.NumResBlocks, c.InputChannels, c.DownsampleFactor));
        Assert.Equal(q.DimMult, c.DimMult);
        Assert.Equal(q.TemperalDownsample, c.TemperalDownsample);
        Assert.Equal(q.LatentsMean, c.LatentsMean);
        Assert.Equal(q.LatentsStd, c.LatentsStd);
        Assert.Empty(c.AttnScales);
        Assert.Equal([96, 96, 192, 384, 384], c.EncoderDims);
        Assert.Equal([384, 384, 384, 192, 96], c.DecoderDims);
    }

    [Fact]
    public void Shapes_QwenImageConfig_Has194TensorsAnd126892531Values()
    {
        // mmdit-spec §4.2: 194 tensors, 126,892,531 params (encoder 53.6 M, decoder 73.3 M).
        var shapes = QwenImageVaeParameters.Shapes(QwenImageVaeConfig.QwenImage);
        Assert.Equal(194, shapes.Count);
        Assert.Equal(126_892_531L, shapes.Sum(p => p.Value.ElementCount));
        Assert.Equal(shapes.Count, shapes.Select(p => p.Key).Distinct().Count());
    }

    [Fact]
    public void FromJson_TinyModelConfigFile_ParsesAndNamesTheFileInErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"locus-qwenvae-config-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, TinyQwenEditModel.VaeConfigJson);
            var c = QwenImageVaeConfig.FromJson(path);
            Assert.Equal((16, 4, 4), (c.BaseDim, c.ZDim, c.DownsampleFactor));
            File.WriteAllText(path, TinyQwenEditModel.VaeConfigJson.Replace("\"z_dim\": 4,", "", StringComparison.Ordinal));
            var e = Assert.Throws<LocusException>(() => QwenImageVaeConfig.FromJson(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("'z_dim'", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
        var missing = Assert.Throws<LocusException>(() => QwenImageVaeConfig.FromJson(path));
        Assert.Contains(path, missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"base_dim\": 96,", "", "'base_dim'")]
    [InlineData("\"temperal_downsample\": [false, true, true],", "", "'temperal_downsample'")]
    [InlineData("\"dim_mult\": [1, 2, 4, 4]", "\"dim_mult\": []", "'dim_mult'")]
    [InlineData("\"dim_mult\": [1, 2, 4, 4]", "\"dim_mult\": [1, 0, 4, 4]", "'dim_mult[1]'")]
    [InlineData("\"dim_mult\": [1, 2, 4, 4]", "\"dim_mult\": [1, 2.5, 4, 4]", "'dim_mult[1]'")]
    [InlineData("\"dim_mult\": [1, 2, 4, 4]", "\"dim_mult\": [1, 2, 4]", "'temperal_downsample'")]
    [InlineData("\"dim_mult\": [1, 2, 4, 4]", "\"dim_mult\": \"1244\"", "'dim_mult'")]
    [InlineData("[false, true, true]", "[false, 1, true]", "'temperal_downsample[1]'")]
    [InlineData("\"z_dim\": 16", "\"z_dim\": 8", "'latents_mean'")]
    [InlineData("3.2687,", "0,", "'latents_std[8]'")]
    [InlineData("\"attn_scales\": []", "\"attn_scales\": [\"x\"]", "'attn_scales[0]'")]
    [InlineData("\"AutoencoderKLQwenImage\"", "\"AutoencoderKLWan\"", "'_class_name'")]
    [InlineData("\"num_res_blocks\": 2", "\"num_res_blocks\": 0", "'num_res_blocks'")]
    public void FromJsonText_BadKey_ThrowsNamingSourceAndKey(string find, string replace, string expected)
    {
        string json = HubJson.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(HubJson, json);
        var e = Assert.Throws<LocusException>(() => QwenImageVaeConfig.FromJsonText(json, "vae/config.json"));
        Assert.Contains("vae/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{")]
    public void FromJsonText_NotAnObject_ThrowsLocusException(string json)
    {
        var e = Assert.Throws<LocusException>(() => QwenImageVaeConfig.FromJsonText(json, "vae/config.json"));
        Assert.Contains("vae/config.json", e.Message, StringComparison.Ordinal);
    }
}
