using Locus.Engine.Tensors;

namespace Locus.Models.Adapters;

/// <summary>
/// Every tensor of <c>region_adapter.safetensors</c> for a config (names of docs/region-adapter.md, prefix
/// <c>region_adapter.</c>), in module order. Used by <c>locus adapter init</c> and to check a file before building a graph.
/// </summary>
public static class RegionAdapterWeights
{
    /// <summary>Key prefix of every adapter tensor.</summary>
    public const string Prefix = "region_adapter";

    /// <summary>The (name, shape) list; names carry the <c>region_adapter.</c> prefix.</summary>
    public static IReadOnlyList<KeyValuePair<string, Shape>> Shapes(RegionAdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<KeyValuePair<string, Shape>>();
        int d = config.HiddenSize;
        string ce = Prefix + ".condition_encoder";
        Add(list, ce + ".mask_embed.edit", d);
        Add(list, ce + ".mask_embed.keep", d);
        Add(list, ce + ".type_embed", 2, d);
        Linear(list, ce + ".text_proj", config.TextFeatures, d);
        Add(list, ce + ".perceiver.queries", config.InstructionTokens, d);
        Norm(list, ce + ".perceiver.norm_q", d);
        Norm(list, ce + ".perceiver.norm_kv", d);
        Attention(list, ce + ".perceiver.attn", d);
        for (int j = 0; j < config.FusionLayers; j++)
        {
            string l = $"{ce}.fusion.layers.{j}";
            Norm(list, l + ".norm1", d);
            Norm(list, l + ".norm2", d);
            Attention(list, l + ".attn", d);
            Linear(list, l + ".ff.fc1", d, 4 * d);
            Linear(list, l + ".ff.fc2", 4 * d, d);
        }
        Norm(list, ce + ".fusion.norm_out", d);
        foreach (int i in config.AdaptedBlocks)
        {
            string b = $"{Prefix}.blocks.{i}";
            Attention(list, b + ".attn", d);
            Norm(list, b + ".norm", d);
            Linear(list, b + ".ff.fc1", d, config.FfnDim);
            Linear(list, b + ".ff.fc2", config.FfnDim, d);
            Add(list, b + ".gate.edit", config.GateDim);
            Add(list, b + ".gate.keep", config.GateDim);
            Linear(list, b + ".gate.mlp.fc1", config.GateDim, config.GateDim);
            Linear(list, b + ".gate.mlp.fc2", config.GateDim, 1);
        }
        int dm = config.PredictorDim;
        string mp = Prefix + ".mask_predictor";
        Add(list, mp + ".queries", config.PredictorGrid * config.PredictorGrid, dm);
        Linear(list, mp + ".film", d, 2 * dm);
        Linear(list, mp + ".latent_proj", config.LatentChannels, dm);
        Attention(list, mp + ".attn", dm);
        Add(list, mp + ".head.conv1.weight", dm / 2, dm, 3, 3);
        Add(list, mp + ".head.conv1.bias", dm / 2);
        Add(list, mp + ".head.conv2.weight", 1, dm / 2, 1, 1);
        Add(list, mp + ".head.conv2.bias", 1);
        return list;
    }

    /// <summary>Total parameter count of <see cref="Shapes"/>.</summary>
    public static long ParameterCount(RegionAdapterConfig config) => Shapes(config).Sum(p => p.Value.ElementCount);

    private static void Add(List<KeyValuePair<string, Shape>> list, string name, params int[] dims) => list.Add(new(name, new Shape(dims)));

    private static void Linear(List<KeyValuePair<string, Shape>> list, string prefix, int inFeatures, int outFeatures)
    {
        Add(list, prefix + ".weight", outFeatures, inFeatures);
        Add(list, prefix + ".bias", outFeatures);
    }

    private static void Norm(List<KeyValuePair<string, Shape>> list, string prefix, int channels)
    {
        Add(list, prefix + ".weight", channels);
        Add(list, prefix + ".bias", channels);
    }

    private static void Attention(List<KeyValuePair<string, Shape>> list, string prefix, int dim)
    {
        foreach (string p in (string[])["to_q", "to_k", "to_v", "to_out"])
        {
            Linear(list, $"{prefix}.{p}", dim, dim);
        }
    }
}
