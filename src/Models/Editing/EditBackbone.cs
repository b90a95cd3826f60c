using Locus.Engine.Backends;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.MmDit;

namespace Locus.Models.Editing;

/// <summary>
/// What differs between the Kontext and Qwen-Image-Edit flows (mmdit-spec §2, §3.7–3.9): the transformer, its per-edit
/// inputs (RoPE tables, pooled text, guidance, text mask) and how true CFG combines. The denoising loop is shared.
/// </summary>
internal abstract class EditBackbone
{
    /// <summary>Packed latent channels (transformer in_channels = 4 × VAE latent channels).</summary>
    public abstract int PackedChannels { get; }

    /// <summary>Text hidden size the transformer expects.</summary>
    public abstract int JointDim { get; }

    /// <summary>Pooled text size (Flux) or null (Qwen).</summary>
    public abstract int? PooledDim { get; }

    /// <summary>Transformer blocks (the adapter's block indices count Flux double then single blocks).</summary>
    public abstract int BlockCount { get; }

    /// <summary>Backbone inner dim (heads × head dim).</summary>
    public abstract int InnerDim { get; }

    /// <summary>True CFG combines with the per-token norm rescale (Qwen) or plainly (Kontext).</summary>
    public abstract bool NormRescaleCfg { get; }

    /// <summary>Builds and binds one step graph.</summary>
    public abstract TransformerSession CreateSession(WeightStore store, SequenceLayout seq, IBackend backend, DType dtype, bool textMask,
        GragOptions? grag, RegionAdapterBinding? adapter);

    /// <summary>Per-edit inputs of one text condition (positive or negative): text, RoPE tables and the model's extras.</summary>
    public abstract Dictionary<string, HostTensor> TextInputs(PromptEmbeddings embeds, int gridHeight, int gridWidth, float guidance);

    /// <summary>True when <paramref name="embeds"/> has padded text tokens (Qwen's key mask is then needed).</summary>
    public static bool HasPadding(PromptEmbeddings embeds) => embeds.Mask is { } m && m.ToFloatArray().Any(v => v != 1f);
}

/// <summary>FLUX.1-Kontext: pooled text, guidance embedding, Kontext reference ids (index 1).</summary>
internal sealed class KontextBackbone(FluxTransformerConfig config) : EditBackbone
{
    public FluxTransformerConfig Config { get; } = config;

    public override int PackedChannels => Config.InChannels;

    public override int JointDim => Config.JointAttentionDim;

    public override int? PooledDim => Config.PooledProjectionDim;

    public override int BlockCount => Config.NumLayers + Config.NumSingleLayers;

    public override int InnerDim => Config.InnerDim;

    public override bool NormRescaleCfg => false;

    public override TransformerSession CreateSession(WeightStore store, SequenceLayout seq, IBackend backend, DType dtype, bool textMask,
        GragOptions? grag, RegionAdapterBinding? adapter) => TransformerSession.Flux(Config, store, seq, backend, dtype, grag, adapter);

    public override Dictionary<string, HostTensor> TextInputs(PromptEmbeddings embeds, int gridHeight, int gridWidth, float guidance)
    {
        var (cos, sin) = RopeTables.Flux(new HostTensor(DType.F32, new Shape(embeds.TextTokens, 3)),
            Pipelines.LatentPacking.KontextImageIds(gridHeight, gridWidth, gridHeight, gridWidth), Config.AxesDimsRope);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["encoder_hidden_states"] = embeds.Embeds,
            ["pooled_projections"] = embeds.Pooled!,
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        if (Config.GuidanceEmbeds)
        {
            inputs["guidance"] = HostTensor.FromFloats(new Shape(1), [guidance]);
        }
        return inputs;
    }
}

/// <summary>Qwen-Image-Edit: text key mask for padded prompts, image shapes [(1, gh, gw) target, (1, gh, gw) reference], norm-rescaled CFG.</summary>
internal sealed class QwenBackbone(QwenImageTransformerConfig config) : EditBackbone
{
    public QwenImageTransformerConfig Config { get; } = config;

    public override int PackedChannels => Config.InChannels;

    public override int JointDim => Config.JointAttentionDim;

    public override int? PooledDim => null;

    public override int BlockCount => Config.NumLayers;

    public override int InnerDim => Config.InnerDim;

    public override bool NormRescaleCfg => true;

    public override TransformerSession CreateSession(WeightStore store, SequenceLayout seq, IBackend backend, DType dtype, bool textMask,
        GragOptions? grag, RegionAdapterBinding? adapter) => TransformerSession.Qwen(Config, store, seq, backend, dtype, textMask, grag, adapter);

    public override Dictionary<string, HostTensor> TextInputs(PromptEmbeddings embeds, int gridHeight, int gridWidth, float guidance)
    {
        var (cos, sin) = RopeTables.Qwen([(1, gridHeight, gridWidth), (1, gridHeight, gridWidth)], embeds.TextTokens, Config.AxesDimsRope);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["encoder_hidden_states"] = embeds.Embeds,
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        if (HasPadding(embeds))
        {
            inputs[QwenImageTransformer.BiasInput] = QwenImageTransformer.MaskBias(embeds.Mask!, 2 * gridHeight * gridWidth);
        }
        return inputs;
    }
}
