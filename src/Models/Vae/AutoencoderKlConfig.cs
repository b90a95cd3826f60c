// diffusers src/diffusers/models/autoencoders/autoencoder_kl.py @ d035dcd7 (v0.40.0): AutoencoderKL.__init__ arguments
// (= the keys of a diffusers vae/config.json). Defaults follow diffusers where a key may be absent; the structural keys
// block_out_channels, layers_per_block, latent_channels, norm_num_groups and scaling_factor are required.
using Locus.Engine.IO;
using Locus.Models.Scheduling;

namespace Locus.Models.Vae;

/// <summary>Configuration of <see cref="AutoencoderKl"/> (diffusers <c>AutoencoderKL</c> with DownEncoderBlock2D/UpDecoderBlock2D and SiLU).</summary>
public sealed record AutoencoderKlConfig
{
    /// <summary><c>in_channels</c> (image channels into the encoder).</summary>
    public int InChannels { get; init; } = 3;

    /// <summary><c>out_channels</c> (image channels out of the decoder).</summary>
    public int OutChannels { get; init; } = 3;

    /// <summary><c>block_out_channels</c>, one entry per resolution level; the encoder downsamples between levels.</summary>
    public required IReadOnlyList<int> BlockOutChannels { get; init; }

    /// <summary><c>layers_per_block</c>: resnets per encoder block (the decoder uses one more).</summary>
    public required int LayersPerBlock { get; init; }

    /// <summary><c>latent_channels</c> (the encoder emits 2× this: mean ‖ logvar).</summary>
    public required int LatentChannels { get; init; }

    /// <summary><c>norm_num_groups</c>: GroupNorm groups everywhere (eps 1e-6).</summary>
    public required int NormNumGroups { get; init; }

    /// <summary><c>scaling_factor</c>: transformer latent = (mean − shift)·scaling.</summary>
    public required double ScalingFactor { get; init; }

    /// <summary><c>shift_factor</c> (null = 0).</summary>
    public double? ShiftFactor { get; init; }

    /// <summary><c>use_quant_conv</c>: 1×1 conv on the moments after the encoder.</summary>
    public bool UseQuantConv { get; init; } = true;

    /// <summary><c>use_post_quant_conv</c>: 1×1 conv on the latent before the decoder.</summary>
    public bool UsePostQuantConv { get; init; } = true;

    /// <summary><c>mid_block_add_attention</c>: single-head self-attention in both mid blocks.</summary>
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>Spatial factor 2^(levels − 1) between image and latent.</summary>
    public int DownsampleFactor => 1 << (BlockOutChannels.Count - 1);

    /// <summary>The FLUX.1 VAE (reused by Kontext): 4 levels 128/256/512/512, 16 latent channels, scale 0.3611, shift 0.1159.</summary>
    public static AutoencoderKlConfig Flux { get; } = new()
    {
        BlockOutChannels = [128, 256, 512, 512],
        LayersPerBlock = 2,
        LatentChannels = 16,
        NormNumGroups = 32,
        ScalingFactor = 0.3611,
        ShiftFactor = 0.1159,
        UseQuantConv = false,
        UsePostQuantConv = false,
    };

    /// <summary>Reads a diffusers <c>vae/config.json</c>.</summary>
    /// <exception cref="LocusException">The file cannot be read, or a key is missing or has a bad value (the message names it).</exception>
    public static AutoencoderKlConfig FromJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromJsonText(JsonConfig.ReadFile(path, "VAE config"), path);
    }

    /// <summary>Parses diffusers AutoencoderKL config JSON.</summary>
    /// <exception cref="LocusException">Malformed JSON, a missing required key, a value of the wrong type or range,
    /// block types other than DownEncoderBlock2D/UpDecoderBlock2D, or an activation other than SiLU.</exception>
    public static AutoencoderKlConfig FromJsonText(string json, string source = "VAE config")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonConfig.Parse(json, source);
        var r = new JsonConfig(doc.RootElement, source);
        var config = new AutoencoderKlConfig
        {
            InChannels = r.Int("in_channels", 3, min: 1),
            OutChannels = r.Int("out_channels", 3, min: 1),
            BlockOutChannels = r.IntArray("block_out_channels", null, min: 1),
            LayersPerBlock = r.Int("layers_per_block", null, min: 1),
            LatentChannels = r.Int("latent_channels", null, min: 1),
            NormNumGroups = r.Int("norm_num_groups", null, min: 1),
            ScalingFactor = r.Double("scaling_factor", null, minExclusive: 0),
            ShiftFactor = r.NullableDouble("shift_factor"),
            UseQuantConv = r.Bool("use_quant_conv", true),
            UsePostQuantConv = r.Bool("use_post_quant_conv", true),
            MidBlockAddAttention = r.Bool("mid_block_add_attention", true),
        };
        string act = r.String("act_fn", "silu");
        if (act != "silu")
        {
            throw new LocusException($"{source}: 'act_fn' is \"{act}\"; only \"silu\" is supported");
        }
        CheckBlockTypes(doc.RootElement, source, "down_block_types", "DownEncoderBlock2D", config.BlockOutChannels.Count);
        CheckBlockTypes(doc.RootElement, source, "up_block_types", "UpDecoderBlock2D", config.BlockOutChannels.Count);
        foreach (int c in config.BlockOutChannels)
        {
            if (c % config.NormNumGroups != 0)
            {
                throw new LocusException($"{source}: 'norm_num_groups' = {config.NormNumGroups} does not divide 'block_out_channels' entry {c}");
            }
        }
        if (config.BlockOutChannels.Count > 16)
        {
            throw new LocusException($"{source}: 'block_out_channels' has {config.BlockOutChannels.Count} levels; at most 16 are supported");
        }
        return config;
    }

    private static void CheckBlockTypes(System.Text.Json.JsonElement root, string source, string key, string expected, int count)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            return;
        }
        if (v.ValueKind != System.Text.Json.JsonValueKind.Array || v.GetArrayLength() != count)
        {
            throw new LocusException($"{source}: '{key}' must be an array of {count} entries (one per 'block_out_channels' entry)");
        }
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != System.Text.Json.JsonValueKind.String || e.GetString() != expected)
            {
                throw new LocusException($"{source}: '{key}' entry {e.GetRawText()} is not supported; expected \"{expected}\"");
            }
        }
    }
}
