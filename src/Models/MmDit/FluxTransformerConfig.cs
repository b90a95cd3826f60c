using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// Constructor arguments of diffusers <c>FluxTransformer2DModel</c> (transformer_flux.py, v0.40.0
/// d035dcd7cc7c), with diffusers' defaults. FLUX.1-Kontext-dev: guidance_embeds = true, everything else default.
/// </summary>
public sealed record FluxTransformerConfig
{
    public int PatchSize { get; init; } = 1;
    public int InChannels { get; init; } = 64;
    /// <summary>null → <see cref="InChannels"/>.</summary>
    public int? OutChannels { get; init; }
    public int NumLayers { get; init; } = 19;
    public int NumSingleLayers { get; init; } = 38;
    public int AttentionHeadDim { get; init; } = 128;
    public int NumAttentionHeads { get; init; } = 24;
    public int JointAttentionDim { get; init; } = 4096;
    public int PooledProjectionDim { get; init; } = 768;
    public bool GuidanceEmbeds { get; init; }
    public int[] AxesDimsRope { get; init; } = [16, 56, 56];

    /// <summary>Model width D = heads × head dim.</summary>
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Output channels of proj_out (patch_size² · out_channels).</summary>
    public int OutputChannels => PatchSize * PatchSize * (OutChannels ?? InChannels);

    /// <summary>FLUX.1-Kontext-dev (mmdit-spec §1.1).</summary>
    public static FluxTransformerConfig KontextDev => new() { GuidanceEmbeds = true };

    /// <summary>Reads a diffusers config.json file.</summary>
    /// <exception cref="ModelConfigException">Malformed JSON or an invalid value (names the file and key).</exception>
    public static FluxTransformerConfig FromJson(string path) => FromJsonText(ConfigJson.ReadFile(path), path);

    /// <summary>Parses config.json text; <paramref name="source"/> names it in errors.</summary>
    public static FluxTransformerConfig FromJsonText(string json, string source = "config.json")
    {
        var r = ConfigJson.Parse(json, source);
        var d = new FluxTransformerConfig();
        var c = new FluxTransformerConfig
        {
            PatchSize = ConfigJson.Int(r, "patch_size", d.PatchSize, source),
            InChannels = ConfigJson.Int(r, "in_channels", d.InChannels, source),
            OutChannels = ConfigJson.NullableInt(r, "out_channels", source),
            NumLayers = ConfigJson.Int(r, "num_layers", d.NumLayers, source, min: 0),
            NumSingleLayers = ConfigJson.Int(r, "num_single_layers", d.NumSingleLayers, source, min: 0),
            AttentionHeadDim = ConfigJson.Int(r, "attention_head_dim", d.AttentionHeadDim, source),
            NumAttentionHeads = ConfigJson.Int(r, "num_attention_heads", d.NumAttentionHeads, source),
            JointAttentionDim = ConfigJson.Int(r, "joint_attention_dim", d.JointAttentionDim, source),
            PooledProjectionDim = ConfigJson.Int(r, "pooled_projection_dim", d.PooledProjectionDim, source),
            GuidanceEmbeds = ConfigJson.Bool(r, "guidance_embeds", d.GuidanceEmbeds, source),
            AxesDimsRope = ConfigJson.IntArray(r, "axes_dims_rope", d.AxesDimsRope, source),
        };
        c.Validate(source);
        return c;
    }

    /// <summary>Infers the config from key names and shapes (sd.cpp detect_from_weights); RoPE axes default to (16, 56, 56) scaled to the head dim.</summary>
    /// <exception cref="ModelConfigException">A key the detection needs is missing.</exception>
    public static FluxTransformerConfig DetectFromWeights(IWeightCatalog weights)
    {
        string src = weights.Source;
        var x = Detect.Shape(weights, "x_embedder.weight");
        int headDim = Detect.Shape(weights, "transformer_blocks.0.attn.norm_q.weight", "single_transformer_blocks.0.attn.norm_q.weight")[0];
        var c = new FluxTransformerConfig
        {
            InChannels = x[1],
            OutChannels = Detect.Shape(weights, "proj_out.weight")[0],
            NumLayers = Detect.CountBlocks(weights, "transformer_blocks."),
            NumSingleLayers = Detect.CountBlocks(weights, "single_transformer_blocks."),
            AttentionHeadDim = headDim,
            NumAttentionHeads = x[0] / headDim,
            JointAttentionDim = Detect.Shape(weights, "context_embedder.weight")[1],
            PooledProjectionDim = Detect.Shape(weights, "time_text_embed.text_embedder.linear_1.weight")[1],
            GuidanceEmbeds = weights.TryGetInfo("time_text_embed.guidance_embedder.linear_1.weight", out _, out _),
            AxesDimsRope = Detect.DefaultAxes(headDim),
        };
        c.Validate(src);
        return c;
    }

    /// <summary>Checks the constraints of mmdit-spec §6.</summary>
    /// <exception cref="ModelConfigException">An inconsistent value.</exception>
    public void Validate(string source)
    {
        ConfigJson.CheckRope(AxesDimsRope, AttentionHeadDim, source);
        if (PatchSize != 1)
        {
            throw new ModelConfigException($"{source}: 'patch_size' {PatchSize} is not supported (Flux packs 2×2 in the pipeline; use 1)");
        }
    }
}
