using Locus.Engine.IO;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>AutoencoderKlConfig parsing: the fixture config, the FLUX hub config, and bad values.</summary>
public sealed class AutoencoderKlConfigTests
{
    // FLUX.1 vae/config.json as published (mmdit-spec.md §4.1).
    private const string FluxHubConfig = """
        {"_class_name": "AutoencoderKL", "_diffusers_version": "0.30.0.dev0", "act_fn": "silu",
         "block_out_channels": [128, 256, 512, 512],
         "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
         "force_upcast": true, "in_channels": 3, "latent_channels": 16, "latents_mean": null, "latents_std": null,
         "layers_per_block": 2, "mid_block_add_attention": true, "norm_num_groups": 32, "out_channels": 3, "sample_size": 1024,
         "scaling_factor": 0.3611, "shift_factor": 0.1159,
         "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
         "use_post_quant_conv": false, "use_quant_conv": false}
        """;

    [Fact]
    public void FromJsonText_FixtureConfig_ReadsEveryKey()
    {
        var c = VaeFixture.Config();

        Assert.Equal(new[] { 32, 64 }, c.BlockOutChannels);
        Assert.Equal((3, 3, 1, 16, 8), (c.InChannels, c.OutChannels, c.LayersPerBlock, c.LatentChannels, c.NormNumGroups));
        Assert.Equal((0.3611, 0.1159), (c.ScalingFactor, c.ShiftFactor!.Value));
        Assert.False(c.UseQuantConv);
        Assert.False(c.UsePostQuantConv);
        Assert.True(c.MidBlockAddAttention);
        Assert.Equal(2, c.DownsampleFactor);
    }

    [Fact]
    public void FromJsonText_FluxHubConfig_EqualsFluxPreset()
    {
        var c = AutoencoderKlConfig.FromJsonText(FluxHubConfig);
        var p = AutoencoderKlConfig.Flux;

        Assert.Equal(p.BlockOutChannels, c.BlockOutChannels);
        Assert.Equal(p with { BlockOutChannels = c.BlockOutChannels }, c);
        Assert.Equal(8, c.DownsampleFactor);
    }

    [Fact]
    public void FromJsonText_OptionalKeysAbsent_UsesDiffusersDefaults()
    {
        var c = AutoencoderKlConfig.FromJsonText("""{"block_out_channels": [64], "layers_per_block": 1, "latent_channels": 4, "norm_num_groups": 32, "scaling_factor": 0.18215}""");

        Assert.Equal((3, 3), (c.InChannels, c.OutChannels));
        Assert.Null(c.ShiftFactor);
        Assert.True(c.UseQuantConv);
        Assert.True(c.UsePostQuantConv);
        Assert.True(c.MidBlockAddAttention);
        Assert.Equal(1, c.DownsampleFactor);
    }

    [Theory]
    [InlineData("block_out_channels", "null", "'block_out_channels'")]
    [InlineData("block_out_channels", "[]", "'block_out_channels'")]
    [InlineData("block_out_channels", "[128, \"x\"]", "'block_out_channels[1]'")]
    [InlineData("block_out_channels", "[128, 0]", "'block_out_channels[1]'")]
    [InlineData("layers_per_block", "0", "'layers_per_block'")]
    [InlineData("latent_channels", "16.5", "'latent_channels'")]
    [InlineData("norm_num_groups", "48", "'norm_num_groups'")]
    [InlineData("scaling_factor", "0", "'scaling_factor'")]
    [InlineData("shift_factor", "\"0.1\"", "'shift_factor'")]
    [InlineData("use_quant_conv", "\"no\"", "'use_quant_conv'")]
    [InlineData("act_fn", "\"gelu\"", "'act_fn'")]
    [InlineData("down_block_types", "[\"DownBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\"]", "'down_block_types'")]
    [InlineData("up_block_types", "[\"UpDecoderBlock2D\"]", "'up_block_types'")]
    public void FromJsonText_BadValue_ThrowsNamingTheKey(string key, string value, string expectedFragment)
    {
        string json = Replace(FluxHubConfig, key, value);

        var e = Assert.Throws<LocusException>(() => AutoencoderKlConfig.FromJsonText(json, "vae/config.json"));

        Assert.Contains(expectedFragment, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("vae/config.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("block_out_channels")]
    [InlineData("layers_per_block")]
    [InlineData("latent_channels")]
    [InlineData("norm_num_groups")]
    [InlineData("scaling_factor")]
    public void FromJsonText_RequiredKeyMissing_ThrowsNamingTheKey(string key)
    {
        string json = Remove(FluxHubConfig, key);

        var e = Assert.Throws<LocusException>(() => AutoencoderKlConfig.FromJsonText(json));

        Assert.Contains($"'{key}' is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_MissingFileOrMalformed_ThrowsNamingThePath()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"locus-vae-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string missing = Path.Combine(dir, "missing.json");
            Assert.Contains(missing, Assert.Throws<LocusException>(() => AutoencoderKlConfig.FromJson(missing)).Message, StringComparison.Ordinal);
            string bad = Path.Combine(dir, "config.json");
            File.WriteAllText(bad, "{\"block_out_channels\": [1,");
            var e = Assert.Throws<LocusException>(() => AutoencoderKlConfig.FromJson(bad));
            Assert.Contains(bad, e.Message, StringComparison.Ordinal);
            Assert.Contains("malformed JSON", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Replace(string json, string key, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node[key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }

    private static string Remove(string json, string key)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(node.Remove(key));
        return node.ToJsonString();
    }
}
