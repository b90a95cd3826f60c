using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.MmDit;

namespace Locus.Models.Adapters;

/// <summary>
/// <c>region_adapter.safetensors</c> + <c>region_adapter.json</c>: random initialisation matching a backbone config
/// (<c>locus adapter init</c>) and checking a file against <see cref="RegionAdapterWeights.Shapes"/>.
/// </summary>
public static class RegionAdapterFiles
{
    /// <summary>Weights file name.</summary>
    public const string WeightsFile = "region_adapter.safetensors";

    /// <summary>Config file name.</summary>
    public const string ConfigFile = "region_adapter.json";

    /// <summary>
    /// The adapter config for the backbone whose diffusers transformer <c>config.json</c> is in <paramref name="modelDir"/>
    /// or <paramref name="modelDir"/>/transformer: D, heads and head dim of the backbone, text_dim = joint_attention_dim,
    /// latent_channels = in_channels, ffn_dim = 2·D (≈ 78 M parameters per block at D = 3072, the paper's figure), every block adapted (Flux: double blocks 0…, then single blocks numbered after them).
    /// </summary>
    /// <exception cref="ModelConfigException">No config.json, or an unknown / invalid transformer config.</exception>
    public static RegionAdapterConfig ForBackbone(string modelDir)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDir);
        string path = new[] { Path.Combine(modelDir, "transformer", "config.json"), Path.Combine(modelDir, "config.json") }
            .FirstOrDefault(File.Exists) ?? throw new ModelConfigException($"{modelDir}: no config.json (nor transformer/config.json)");
        string text = File.ReadAllText(path);
        string? cls = ConfigJson.ClassName(ConfigJson.Parse(text, path));
        int heads, headDim, textDim, latent, blocks;
        if (cls is not null && cls.StartsWith("QwenImage", StringComparison.Ordinal))
        {
            var q = QwenImageTransformerConfig.FromJsonText(text, path);
            (heads, headDim, textDim, latent, blocks) = (q.NumAttentionHeads, q.AttentionHeadDim, q.JointAttentionDim, q.InChannels, q.NumLayers);
        }
        else if (cls is null || cls.StartsWith("Flux", StringComparison.Ordinal))
        {
            var f = FluxTransformerConfig.FromJsonText(text, path);
            (heads, headDim, textDim, latent, blocks) = (f.NumAttentionHeads, f.AttentionHeadDim, f.JointAttentionDim, f.InChannels, f.NumLayers + f.NumSingleLayers);
        }
        else
        {
            throw new ModelConfigException($"{path}: '_class_name' {cls} is not a Flux or QwenImage transformer");
        }
        int d = heads * headDim;
        var config = new RegionAdapterConfig
        {
            HiddenSize = d, Heads = heads, HeadDim = headDim, FfnDim = 2 * d, GateDim = Math.Min(256, d),
            TextDim = textDim, LatentChannels = latent, AdaptedBlocks = Enumerable.Range(0, blocks).ToArray(),
            PredictorDim = Math.Min(256, d),
        };
        config.Validate(path);
        return config;
    }

    /// <summary>
    /// Opens <paramref name="dir"/>/region_adapter.json and region_adapter.safetensors and checks every tensor (<see cref="Check"/>).
    /// The caller disposes the returned store.
    /// </summary>
    /// <exception cref="ModelConfigException">The config is missing or invalid.</exception>
    /// <exception cref="WeightLoadException">The weights file is missing, or a tensor is missing, extra or mis-shaped.</exception>
    public static (RegionAdapterConfig Config, WeightStore Weights) Open(string dir)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        var config = RegionAdapterConfig.Load(Path.Combine(dir, ConfigFile));
        string path = Path.Combine(dir, WeightsFile);
        if (!File.Exists(path))
        {
            throw new WeightLoadException($"{path}: adapter weights not found");
        }
        var store = WeightStore.Open(path);
        try
        {
            Check(config, new WeightStoreCatalog(store));
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return (config, store);
    }

    /// <summary>
    /// Writes a randomly initialised adapter into <paramref name="outDir"/>: matrices N(0, 1)/√fan_in, LayerNorm weights 1,
    /// biases 0, embeddings and learned queries N(0, 1)·0.02 (mask/gate embeddings N(0, 1)), and the gate MLP's last layer small
    /// (weights ×0.01, bias −4, so σ ≈ 0.02 at start).
    /// </summary>
    public static void WriteRandom(RegionAdapterConfig config, string outDir, int seed, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        Directory.CreateDirectory(outDir);
        var rng = new Random(seed);
        var tensors = new List<KeyValuePair<string, HostTensor>>();
        foreach (var (name, shape) in RegionAdapterWeights.Shapes(config))
        {
            tensors.Add(new(name, HostTensor.FromFloats(dtype, shape, InitialValues(name, shape, rng))));
        }
        SafetensorsWriter.Write(Path.Combine(outDir, WeightsFile), tensors);
        File.WriteAllText(Path.Combine(outDir, ConfigFile), config.ToJson());
    }

    /// <summary>
    /// Checks <paramref name="catalog"/> (keys with the <c>region_adapter.</c> prefix) against the config: every expected tensor
    /// present with its shape, no extra adapter tensor.
    /// </summary>
    /// <exception cref="WeightLoadException">A missing, extra or mis-shaped tensor (the message names it and both shapes).</exception>
    public static void Check(RegionAdapterConfig config, IWeightCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(catalog);
        var expected = RegionAdapterWeights.Shapes(config);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            names.Add(name);
            if (!catalog.TryGetInfo(name, out var dtype, out var actual))
            {
                throw new WeightLoadException($"adapter tensor '{name}' {shape} is missing from {catalog.Source}");
            }
            if (actual != shape)
            {
                throw new WeightLoadException($"adapter tensor '{name}' in {catalog.Source} has shape {actual}, the config expects {shape}");
            }
            if (!dtype.IsFloat())
            {
                throw new WeightLoadException($"adapter tensor '{name}' in {catalog.Source} is {dtype}; a float type is required");
            }
        }
        string? extra = catalog.Keys.Where(k => k.StartsWith(RegionAdapterWeights.Prefix + ".", StringComparison.Ordinal))
            .FirstOrDefault(k => !names.Contains(k));
        if (extra is not null)
        {
            catalog.TryGetInfo(extra, out _, out var shape);
            throw new WeightLoadException($"adapter tensor '{extra}' {shape} in {catalog.Source} is not part of the config (extra tensor)");
        }
    }

    private static float[] InitialValues(string name, Shape shape, Random rng)
    {
        var values = new float[shape.ElementCount];
        bool bias = name.EndsWith(".bias", StringComparison.Ordinal);
        bool gateOut = name.EndsWith(".gate.mlp.fc2.weight", StringComparison.Ordinal) || name.EndsWith(".gate.mlp.fc2.bias", StringComparison.Ordinal);
        if (name.EndsWith(".gate.mlp.fc2.bias", StringComparison.Ordinal))
        {
            Array.Fill(values, -4f);
            return values;
        }
        if (bias)
        {
            return values;
        }
        if (shape.Rank == 1 && name.Contains("norm", StringComparison.Ordinal))
        {
            Array.Fill(values, 1f);
            return values;
        }
        bool matrix = name.EndsWith(".weight", StringComparison.Ordinal) && shape.Rank >= 2;
        bool embed = name.EndsWith(".edit", StringComparison.Ordinal) || name.EndsWith(".keep", StringComparison.Ordinal);
        double scale = matrix ? 1.0 / Math.Sqrt(shape.ElementCount / shape[0]) : embed ? 1.0 : 0.02;
        if (gateOut)
        {
            scale *= 0.01;
        }
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            values[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }
}
