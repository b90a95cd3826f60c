// diffusers src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py @ 071190da: AutoencoderKLQwenImage.__init__
// arguments (= the keys of a diffusers vae/config.json). The structural keys base_dim, z_dim, dim_mult, num_res_blocks,
// temperal_downsample, latents_mean and latents_std are required (the hub config has them all); attn_scales defaults to
// [], input_channels to 3, dropout is accepted and ignored (inference).
using System.Text.Json;
using Locus.Engine.IO;
using Locus.Models.Scheduling;

namespace Locus.Models.Vae;

/// <summary>Configuration of <see cref="QwenImageVae"/> (diffusers <c>AutoencoderKLQwenImage</c>, the Wan-2.1 VAE architecture).</summary>
public sealed record QwenImageVaeConfig
{
    /// <summary><c>base_dim</c>: channels of the first level (96).</summary>
    public required int BaseDim { get; init; }

    /// <summary><c>z_dim</c>: latent channels (the encoder emits 2× this: mean ‖ logvar).</summary>
    public required int ZDim { get; init; }

    /// <summary><c>dim_mult</c>: channel multipliers per level; the encoder downsamples between levels.</summary>
    public required IReadOnlyList<int> DimMult { get; init; }

    /// <summary><c>num_res_blocks</c>: residual blocks per encoder level (the decoder uses one more).</summary>
    public required int NumResBlocks { get; init; }

    /// <summary><c>attn_scales</c>: encoder resolutions (1, 0.5, …) that get an attention block after each residual block.</summary>
    public IReadOnlyList<double> AttnScales { get; init; } = [];

    /// <summary><c>temperal_downsample</c> (sic): per downsampling step, whether it is 3-D (has a time_conv); one entry per level − 1.</summary>
    public required IReadOnlyList<bool> TemperalDownsample { get; init; }

    /// <summary><c>input_channels</c>: image channels in and out.</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary><c>latents_mean</c>: per-channel mean, transformer latent = (mean − latents_mean)/latents_std.</summary>
    public required IReadOnlyList<double> LatentsMean { get; init; }

    /// <summary><c>latents_std</c>: per-channel standard deviation (positive).</summary>
    public required IReadOnlyList<double> LatentsStd { get; init; }

    /// <summary>Spatial factor 2^len(temperal_downsample) between image and latent.</summary>
    public int DownsampleFactor => 1 << TemperalDownsample.Count;

    /// <summary>Encoder channels per level: base_dim·[1, dim_mult…].</summary>
    public int[] EncoderDims => [BaseDim, .. DimMult.Select(m => BaseDim * m)];

    /// <summary>Decoder channels: base_dim·[dim_mult[−1], reversed(dim_mult)…].</summary>
    public int[] DecoderDims => [BaseDim * DimMult[^1], .. DimMult.Reverse().Select(m => BaseDim * m)];

    /// <summary>The hub config of Qwen/Qwen-Image(-Edit) vae/config.json (the diffusers defaults).</summary>
    public static QwenImageVaeConfig QwenImage { get; } = new()
    {
        BaseDim = 96,
        ZDim = 16,
        DimMult = [1, 2, 4, 4],
        NumResBlocks = 2,
        TemperalDownsample = [false, true, true],
        LatentsMean = [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921],
        LatentsStd = [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160],
    };

    /// <summary>Reads a diffusers <c>vae/config.json</c>.</summary>
    /// <exception cref="LocusException">The file cannot be read, or a key is missing or has a bad value (the message names the file and the key).</exception>
    public static QwenImageVaeConfig FromJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromJsonText(JsonConfig.ReadFile(path, "VAE config"), path);
    }

    /// <summary>Parses diffusers AutoencoderKLQwenImage config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="LocusException">Malformed JSON, a missing required key, a value of the wrong type or range, another
    /// <c>_class_name</c>, or inconsistent lengths (see <see cref="Validate"/>).</exception>
    public static QwenImageVaeConfig FromJsonText(string json, string source = "VAE config")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonConfig.Parse(json, source);
        var root = doc.RootElement;
        var r = new JsonConfig(root, source);
        string cls = r.String("_class_name", "AutoencoderKLQwenImage");
        if (cls != "AutoencoderKLQwenImage")
        {
            throw new LocusException($"{source}: '_class_name' is \"{cls}\"; expected \"AutoencoderKLQwenImage\"");
        }
        if (r.Has("dropout"))
        {
            r.Double("dropout", 0.0);
        }
        var config = new QwenImageVaeConfig
        {
            BaseDim = r.Int("base_dim", null, min: 1),
            ZDim = r.Int("z_dim", null, min: 1),
            DimMult = r.IntArray("dim_mult", null, min: 1),
            NumResBlocks = r.Int("num_res_blocks", null, min: 1),
            AttnScales = DoubleArray(root, source, "attn_scales", required: false),
            TemperalDownsample = BoolArray(root, source, "temperal_downsample"),
            InputChannels = r.Int("input_channels", 3, min: 1),
            LatentsMean = DoubleArray(root, source, "latents_mean", required: true),
            LatentsStd = DoubleArray(root, source, "latents_std", required: true),
        };
        config.Validate(source);
        return config;
    }

    /// <summary>Checks the lengths and ranges the model relies on.</summary>
    /// <exception cref="LocusException">A non-positive size, dim_mult empty or longer than 16 levels, temperal_downsample
    /// not one entry shorter than dim_mult, latents_mean/latents_std not z_dim long, or a latents_std entry ≤ 0.</exception>
    public void Validate(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (BaseDim < 1 || ZDim < 1 || NumResBlocks < 1 || InputChannels < 1)
        {
            throw new LocusException($"{source}: 'base_dim', 'z_dim', 'num_res_blocks' and 'input_channels' must be ≥ 1 (got {BaseDim}, {ZDim}, {NumResBlocks}, {InputChannels})");
        }
        if (DimMult.Count is 0 or > 16 || DimMult.Any(m => m < 1))
        {
            throw new LocusException($"{source}: 'dim_mult' must hold 1 to 16 entries ≥ 1 (got [{string.Join(", ", DimMult)}])");
        }
        if ((long)BaseDim * DimMult.Max() > 1 << 16)
        {
            throw new LocusException($"{source}: 'base_dim' × max('dim_mult') = {(long)BaseDim * DimMult.Max()} channels is too large");
        }
        if (TemperalDownsample.Count != DimMult.Count - 1)
        {
            throw new LocusException($"{source}: 'temperal_downsample' has {TemperalDownsample.Count} entries; 'dim_mult' has {DimMult.Count} levels, so {DimMult.Count - 1} are required");
        }
        if (LatentsMean.Count != ZDim || LatentsStd.Count != ZDim)
        {
            throw new LocusException($"{source}: 'latents_mean' and 'latents_std' must have z_dim = {ZDim} entries (got {LatentsMean.Count} and {LatentsStd.Count})");
        }
        for (int i = 0; i < LatentsStd.Count; i++)
        {
            if (!(LatentsStd[i] > 0) || !double.IsFinite(LatentsStd[i]) || !double.IsFinite(LatentsMean[i]))
            {
                throw new LocusException($"{source}: 'latents_std[{i}]' = {LatentsStd[i]} must be finite and > 0 and 'latents_mean[{i}]' = {LatentsMean[i]} finite");
            }
        }
    }

    private static double[] DoubleArray(JsonElement root, string source, string key, bool required)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new LocusException($"{source}: required key '{key}' is missing") : [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new LocusException($"{source}: '{key}' is {v.ValueKind}; expected an array of numbers");
        }
        var result = new double[v.GetArrayLength()];
        int i = 0;
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out result[i]) || !double.IsFinite(result[i]))
            {
                throw new LocusException($"{source}: '{key}[{i}]' is {e.ValueKind} {e.GetRawText()}; expected a finite number");
            }
            i++;
        }
        return result;
    }

    private static bool[] BoolArray(JsonElement root, string source, string key)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            throw new LocusException($"{source}: required key '{key}' is missing");
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new LocusException($"{source}: '{key}' is {v.ValueKind}; expected an array of booleans");
        }
        var result = new bool[v.GetArrayLength()];
        int i = 0;
        foreach (var e in v.EnumerateArray())
        {
            result[i] = e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new LocusException($"{source}: '{key}[{i}]' is {e.ValueKind} {e.GetRawText()}; expected a boolean"),
            };
            i++;
        }
        return result;
    }
}
