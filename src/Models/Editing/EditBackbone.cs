using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;
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

    /// <summary>Transformer out_channels (must equal <see cref="PackedChannels"/>).</summary>
    public abstract int OutputChannels { get; }

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

    /// <summary>The diffusers pipeline's default step count.</summary>
    public abstract int DefaultSteps { get; }

    /// <summary>The diffusers pipeline's default true CFG scale (1 = off).</summary>
    public abstract float DefaultTrueCfgScale { get; }

    /// <summary>Builds and binds one step graph (with its capture collector when <see cref="StepGraphSpec.Capture"/> is set).</summary>
    public StepGraph Create(ModelWeights weights, StepGraphSpec spec, IBackend backend, DType dtype)
    {
        var g = new GraphBuilder();
        var hook = TransformerSession.Hook(g, spec.Adapter, spec.Sequence, dtype);
        var capture = spec.Capture is null ? null : new AttentionCapture(spec.Capture);
        var grag = spec.Grag is null ? null : new GragOptions { Layers = spec.Grag.Layers };
        var output = Build(g, weights.Catalog, spec, dtype, grag, hook, capture);
        var session = TransformerSession.Bind(g, output, capture?.Outputs ?? [], weights.Provider, weights.Store, backend, spec.Sequence, spec.Adapter);
        return new StepGraph(session, capture);
    }

    /// <summary>Adds the transformer forward to <paramref name="g"/>; returns <c>sample</c>.</summary>
    protected abstract Node Build(GraphBuilder g, IWeightCatalog weights, StepGraphSpec spec, DType dtype, GragOptions? grag, RegionAdapterHook? hook, AttentionCapture? capture);

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

    public override int OutputChannels => Config.OutputChannels;

    public override int JointDim => Config.JointAttentionDim;

    public override int? PooledDim => Config.PooledProjectionDim;

    public override int BlockCount => Config.NumLayers + Config.NumSingleLayers;

    public override int InnerDim => Config.InnerDim;

    public override bool NormRescaleCfg => false;

    public override int DefaultSteps => 28;

    public override float DefaultTrueCfgScale => 1f;

    protected override Node Build(GraphBuilder g, IWeightCatalog weights, StepGraphSpec spec, DType dtype, GragOptions? grag, RegionAdapterHook? hook, AttentionCapture? capture) =>
        new FluxTransformer(Config).Build(g, weights, spec.Sequence, dtype, grag, hook, capture, spec.RegionBias);

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

    public override int OutputChannels => Config.OutputChannels;

    public override int JointDim => Config.JointAttentionDim;

    public override int? PooledDim => null;

    public override int BlockCount => Config.NumLayers;

    public override int InnerDim => Config.InnerDim;

    public override bool NormRescaleCfg => true;

    public override int DefaultSteps => 50;

    public override float DefaultTrueCfgScale => 4f;

    protected override Node Build(GraphBuilder g, IWeightCatalog weights, StepGraphSpec spec, DType dtype, GragOptions? grag, RegionAdapterHook? hook, AttentionCapture? capture) =>
        new QwenImageTransformer(Config).Build(g, weights, spec.Sequence, dtype, spec.TextMask, grag, hook, capture, spec.RegionBias);

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
