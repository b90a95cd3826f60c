using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// Constructor arguments of diffusers <c>QwenImageTransformer2DModel</c> (transformer_qwenimage.py, v0.40.0
/// d035dcd7cc7c), with diffusers' defaults (= Qwen-Image-Edit; Edit-2511 sets zero_cond_t).
/// </summary>
public sealed record QwenImageTransformerConfig
{
    public int PatchSize { get; init; } = 2;
    public int InChannels { get; init; } = 64;
    public int OutChannels { get; init; } = 16;
    public int NumLayers { get; init; } = 60;
    public int AttentionHeadDim { get; init; } = 128;
    public int NumAttentionHeads { get; init; } = 24;
    public int JointAttentionDim { get; init; } = 3584;
    /// <summary>Accepted for compatibility; the guidance argument is unused by the Edit models.</summary>
    public bool GuidanceEmbeds { get; init; }
    public int[] AxesDimsRope { get; init; } = [16, 56, 56];
    /// <summary>Edit-2511: reference tokens are modulated with t = 0 (mmdit-spec §3.7).</summary>
    public bool ZeroCondT { get; init; }
    public bool UseAdditionalTCond { get; init; }
    public bool UseLayer3dRope { get; init; }

    /// <summary>Model width D.</summary>
    public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Output channels of proj_out (patch_size² · out_channels).</summary>
    public int OutputChannels => PatchSize * PatchSize * OutChannels;

    /// <summary>Reads a diffusers config.json file.</summary>
    /// <exception cref="ModelConfigException">Malformed JSON or an invalid value (names the file and key).</exception>
    public static QwenImageTransformerConfig FromJson(string path) => FromJsonText(ConfigJson.ReadFile(path), path);

    /// <summary>Parses config.json text; <paramref name="source"/> names it in errors.</summary>
    public static QwenImageTransformerConfig FromJsonText(string json, string source = "config.json")
    {
        var r = ConfigJson.Parse(json, source);
        var d = new QwenImageTransformerConfig();
        var c = new QwenImageTransformerConfig
        {
            PatchSize = ConfigJson.Int(r, "patch_size", d.PatchSize, source),
            InChannels = ConfigJson.Int(r, "in_channels", d.InChannels, source),
            OutChannels = ConfigJson.NullableInt(r, "out_channels", source) ?? d.OutChannels,
            NumLayers = ConfigJson.Int(r, "num_layers", d.NumLayers, source, min: 0),
            AttentionHeadDim = ConfigJson.Int(r, "attention_head_dim", d.AttentionHeadDim, source),
            NumAttentionHeads = ConfigJson.Int(r, "num_attention_heads", d.NumAttentionHeads, source),
            JointAttentionDim = ConfigJson.Int(r, "joint_attention_dim", d.JointAttentionDim, source),
            GuidanceEmbeds = ConfigJson.Bool(r, "guidance_embeds", d.GuidanceEmbeds, source),
            AxesDimsRope = ConfigJson.IntArray(r, "axes_dims_rope", d.AxesDimsRope, source),
            ZeroCondT = ConfigJson.Bool(r, "zero_cond_t", d.ZeroCondT, source),
            UseAdditionalTCond = ConfigJson.Bool(r, "use_additional_t_cond", false, source),
            UseLayer3dRope = ConfigJson.Bool(r, "use_layer3d_rope", false, source),
        };
        c.Validate(source);
        return c;
    }

    /// <summary>Infers the config from key names and shapes; zero_cond_t cannot be seen in weights and stays false.</summary>
    /// <exception cref="ModelConfigException">A key the detection needs is missing.</exception>
    public static QwenImageTransformerConfig DetectFromWeights(IWeightCatalog weights)
    {
        var x = Detect.Shape(weights, "img_in.weight");
        int headDim = Detect.Shape(weights, "transformer_blocks.0.attn.norm_q.weight")[0];
        var c = new QwenImageTransformerConfig
        {
            InChannels = x[1],
            OutChannels = Detect.Shape(weights, "proj_out.weight")[0] / 4,
            NumLayers = Detect.CountBlocks(weights, "transformer_blocks."),
            AttentionHeadDim = headDim,
            NumAttentionHeads = x[0] / headDim,
            JointAttentionDim = Detect.Shape(weights, "txt_in.weight")[1],
            AxesDimsRope = Detect.DefaultAxes(headDim),
        };
        c.Validate(weights.Source);
        return c;
    }

    /// <summary>Checks the constraints of mmdit-spec §6 and rejects variants this engine does not implement.</summary>
    /// <exception cref="ModelConfigException">An inconsistent or unsupported value.</exception>
    public void Validate(string source)
    {
        ConfigJson.CheckRope(AxesDimsRope, AttentionHeadDim, source);
        if (UseAdditionalTCond || UseLayer3dRope)
        {
            throw new ModelConfigException($"{source}: 'use_additional_t_cond' / 'use_layer3d_rope' variants are not supported");
        }
        if (OutputChannels != InChannels)
        {
            throw new ModelConfigException($"{source}: patch_size² × out_channels = {OutputChannels} must equal in_channels {InChannels}");
        }
    }
}
