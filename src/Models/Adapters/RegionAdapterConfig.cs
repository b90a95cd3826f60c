using System.Globalization;
using System.Text.Json;
using Locus.Models.MmDit;

namespace Locus.Models.Adapters;

/// <summary>
/// The region-aware adapter's config (<c>region_adapter.json</c>, docs/region-adapter.md): sizes of the Condition Encoder,
/// the per-block adapters and the MaskPredictor. Bad values throw <see cref="ModelConfigException"/> naming the key.
/// </summary>
public sealed record RegionAdapterConfig
{
    /// <summary>Backbone inner dim D (= <see cref="Heads"/> × <see cref="HeadDim"/>).</summary>
    public int HiddenSize { get; init; } = 3072;

    /// <summary>Attention heads of the adapter (Perceiver, fusion, block adapters).</summary>
    public int Heads { get; init; } = 24;

    /// <summary>Head dim of the adapter attention.</summary>
    public int HeadDim { get; init; } = 128;

    /// <summary>Block-adapter FFN hidden size F (default 2·D: ≈ 78 M parameters per block at D = 3072, the paper's figure).</summary>
    public int FfnDim { get; init; } = 2 * 3072;

    /// <summary>SpatialGate width D_g.</summary>
    public int GateDim { get; init; } = 256;

    /// <summary>Perceiver output tokens N_q.</summary>
    public int InstructionTokens { get; init; } = 64;

    /// <summary>Condition mask grid g (N_m = g²).</summary>
    public int MaskGrid { get; init; } = 16;

    /// <summary>Text-encoder hidden size T_d.</summary>
    public int TextDim { get; init; } = 3584;

    /// <summary>Stacked text-encoder layers L_h (text features are L_h·T_d wide).</summary>
    public int TextLayers { get; init; } = 1;

    /// <summary>Fusion transformer layers.</summary>
    public int FusionLayers { get; init; } = 2;

    /// <summary>MaskPredictor width D_m (even).</summary>
    public int PredictorDim { get; init; } = 256;

    /// <summary>MaskPredictor query grid (N_p = grid²).</summary>
    public int PredictorGrid { get; init; } = 16;

    /// <summary>Packed latent channels C_lat the MaskPredictor reads (extra key <c>latent_channels</c>, default 64).</summary>
    public int LatentChannels { get; init; } = 64;

    /// <summary>Backbone block indices that carry an adapter (Flux: double blocks first, then single blocks numbered after them).</summary>
    public IReadOnlyList<int> AdaptedBlocks { get; init; } = [];

    /// <summary>Dilation radius r (latent tokens) of the predicted mask.</summary>
    public int Dilation { get; init; } = 2;

    /// <summary>Probability threshold of the predicted mask, in (0, 1).</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>Width of the text features (L_h·T_d).</summary>
    public int TextFeatures => TextDim * TextLayers;

    /// <summary>Condition stream length N_c = g² + N_q.</summary>
    public int ConditionTokens => (MaskGrid * MaskGrid) + InstructionTokens;

    /// <summary>Heads of the MaskPredictor attention: D_m / head_dim when that divides, else 1.</summary>
    public int PredictorHeads => PredictorDim % HeadDim == 0 && PredictorDim >= HeadDim ? PredictorDim / HeadDim : 1;

    /// <summary>Parses <c>region_adapter.json</c> text; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="ModelConfigException">Invalid JSON, a key of the wrong type or range, or inconsistent sizes (the message names the key).</exception>
    public static RegionAdapterConfig Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = ConfigJson.Parse(text, source);
        var d = new RegionAdapterConfig();
        float threshold = d.Threshold;
        if (root.TryGetProperty("threshold", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out double tv) || !(tv > 0 && tv < 1))
            {
                throw new ModelConfigException($"{source}: 'threshold' must be a number in (0, 1), got {t.GetRawText()}");
            }
            threshold = (float)tv;
        }
        int hidden = ConfigJson.Int(root, "hidden_size", d.HiddenSize, source);
        var config = new RegionAdapterConfig
        {
            HiddenSize = hidden,
            Heads = ConfigJson.Int(root, "heads", d.Heads, source),
            HeadDim = ConfigJson.Int(root, "head_dim", d.HeadDim, source),
            FfnDim = ConfigJson.Int(root, "ffn_dim", 2 * hidden, source),
            GateDim = ConfigJson.Int(root, "gate_dim", d.GateDim, source),
            InstructionTokens = ConfigJson.Int(root, "instruction_tokens", d.InstructionTokens, source),
            MaskGrid = ConfigJson.Int(root, "mask_grid", d.MaskGrid, source),
            TextDim = ConfigJson.Int(root, "text_dim", d.TextDim, source),
            TextLayers = ConfigJson.Int(root, "text_layers", d.TextLayers, source),
            FusionLayers = ConfigJson.Int(root, "fusion_layers", d.FusionLayers, source, min: 0),
            PredictorDim = ConfigJson.Int(root, "predictor_dim", d.PredictorDim, source),
            PredictorGrid = ConfigJson.Int(root, "predictor_grid", d.PredictorGrid, source),
            LatentChannels = ConfigJson.Int(root, "latent_channels", d.LatentChannels, source),
            AdaptedBlocks = AdaptedBlockList(root, source),
            Dilation = ConfigJson.Int(root, "dilation", d.Dilation, source, min: 0),
            Threshold = threshold,
        };
        config.Validate(source);
        return config;
    }

    /// <summary>Reads and parses a <c>region_adapter.json</c> file.</summary>
    /// <exception cref="ModelConfigException">The file is missing or invalid (see <see cref="Parse"/>).</exception>
    public static RegionAdapterConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ModelConfigException($"{path}: adapter config not found");
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Checks the sizes agree (D = heads × head_dim, even D_m, ...).</summary>
    /// <exception cref="ModelConfigException">The message names the offending key.</exception>
    public void Validate(string source)
    {
        if (Heads * HeadDim != HiddenSize)
        {
            throw new ModelConfigException($"{source}: 'heads' {Heads} × 'head_dim' {HeadDim} must equal 'hidden_size' {HiddenSize}");
        }
        if (PredictorDim % 2 != 0)
        {
            throw new ModelConfigException($"{source}: 'predictor_dim' {PredictorDim} must be even");
        }
        if (HiddenSize % 2 != 0)
        {
            throw new ModelConfigException($"{source}: 'hidden_size' {HiddenSize} must be even (sinusoidal positions)");
        }
        if (AdaptedBlocks.Distinct().Count() != AdaptedBlocks.Count)
        {
            throw new ModelConfigException($"{source}: 'adapted_blocks' lists a block twice");
        }
    }

    /// <summary>The JSON text of this config (snake_case keys of the spec).</summary>
    public string ToJson()
    {
        // Utf8JsonWriter, not JsonSerializer: no reflection, so the trimmed GPU build (tools/gpu/publish.sh) keeps it.
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("hidden_size", HiddenSize);
            w.WriteNumber("heads", Heads);
            w.WriteNumber("head_dim", HeadDim);
            w.WriteNumber("ffn_dim", FfnDim);
            w.WriteNumber("gate_dim", GateDim);
            w.WriteNumber("instruction_tokens", InstructionTokens);
            w.WriteNumber("mask_grid", MaskGrid);
            w.WriteNumber("text_dim", TextDim);
            w.WriteNumber("text_layers", TextLayers);
            w.WriteNumber("fusion_layers", FusionLayers);
            w.WriteNumber("predictor_dim", PredictorDim);
            w.WriteNumber("predictor_grid", PredictorGrid);
            w.WriteNumber("latent_channels", LatentChannels);
            w.WriteStartArray("adapted_blocks");
            foreach (int block in AdaptedBlocks)
            {
                w.WriteNumberValue(block);
            }
            w.WriteEndArray();
            w.WriteNumber("dilation", Dilation);
            w.WriteNumber("threshold", double.Parse(Threshold.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static int[] AdaptedBlockList(JsonElement root, string source)
    {
        if (!root.TryGetProperty("adapted_blocks", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new ModelConfigException($"{source}: 'adapted_blocks' must be an array of block indices, got {v.GetRawText()}");
        }
        var list = new List<int>();
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int x) || x < 0)
            {
                throw new ModelConfigException($"{source}: 'adapted_blocks' must hold indices ≥ 0, got {v.GetRawText()}");
            }
            list.Add(x);
        }
        return list.ToArray();
    }
}
