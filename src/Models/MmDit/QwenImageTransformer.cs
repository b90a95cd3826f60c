using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// QwenImageTransformer2DModel as Qwen-Image-Edit uses it (incl. the Edit-2511 zero_cond_t variant). Follows
/// diffusers src/diffusers/models/transformers/transformer_qwenimage.py at v0.40.0 (d035dcd7cc7c; mmdit-spec §3,
/// S7, S13). Graph inputs (fixture names): hidden_states [B, Nimg, Cin] (target then reference tokens),
/// encoder_hidden_states [B, Ntxt, J], timestep [B] f32 (σ = t/1000), rope_cos / rope_sin [Ntxt + Nimg, Dh/2] f32
/// (<see cref="RopeTables.Qwen"/>), attention_bias [B, 1, 1, Ntxt + Nimg] f32 when built with a text mask
/// (<see cref="MaskBias"/>), grag_scales when GRAG is on. Output: sample [B, Nimg, p²·Cout], all tokens.
/// </summary>
public sealed partial class QwenImageTransformer
{
    /// <summary>Name of the additive key-bias input.</summary>
    public const string BiasInput = "attention_bias";

    /// <summary>Creates the model description.</summary>
    public QwenImageTransformer(QwenImageTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("QwenImageTransformerConfig");
        Config = config;
    }

    /// <summary>The config.</summary>
    public QwenImageTransformerConfig Config { get; }

    /// <summary>
    /// Declares the inputs and weights and adds the forward to <paramref name="g"/>; returns <c>sample</c>.
    /// <paramref name="textMask"/> adds the <see cref="BiasInput"/> input (needed when a batch has padded text).
    /// </summary>
    /// <remarks>
    /// <paramref name="adapter"/> (optional): the region adapter, applied after each block's image attention residual; null leaves the graph unchanged.
    /// <paramref name="capture"/> (optional): attention-map capture over the blocks' joint attentions; adds the
    /// <see cref="AttentionCapture.WeightInput"/> input; with <paramref name="textMask"/> padded text columns are exactly 0 in the text maps.
    /// <paramref name="regionBias"/> (optional): region attention bias in every joint attention; adds the
    /// <see cref="RegionBiasOptions.RowMaskInput"/> and <see cref="RegionBiasOptions.ColumnMaskInput"/> inputs. Null options leave the graph unchanged.
    /// </remarks>
    /// <exception cref="WeightLoadException">A weight is missing or has the wrong shape.</exception>
    /// <exception cref="ArgumentException">Invalid capture or region-bias options.</exception>
    public Node Build(GraphBuilder g, IWeightCatalog weights, SequenceLayout seq, DType dtype, bool textMask = false, GragOptions? grag = null, Adapters.RegionAdapterHook? adapter = null,
        AttentionCapture? capture = null, RegionBiasOptions? regionBias = null)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(seq);
        seq.Validate();
        var c = Config;
        int b = seq.Batch, dim = c.InnerDim;
        var hs = g.Input("hidden_states", dtype, new(b, seq.ImageTokens, c.InChannels));
        var ehs = g.Input("encoder_hidden_states", dtype, new(b, seq.TextTokens, c.JointAttentionDim));
        var timestep = g.Input("timestep", DType.F32, new(b));
        var cos = g.Input("rope_cos", DType.F32, new(seq.Total, c.AttentionHeadDim / 2));
        var sin = g.Input("rope_sin", DType.F32, new(seq.Total, c.AttentionHeadDim / 2));
        Node? bias = textMask ? g.Input(BiasInput, DType.F32, new(b, 1, 1, seq.Total)) : null;
        var biasF32 = bias;
        if (bias is not null && dtype != DType.F32)
        {
            bias = g.Convert(bias, dtype, "attention_bias.cast");
        }
        var scales = grag is null ? null : g.Input(GragOptions.ScalesInput, DType.F32, new(grag.GroupCount, 2));
        var ctx = new AttentionContext(cos, sin, bias, grag, scales, seq);
        if (regionBias is not null)
        {
            ctx = regionBias.Apply(g, ctx);
        }
        if (capture is not null)
        {
            // Key mask of the text columns [B, 1, Ntxt]: 1 where the bias is 0 (valid), 0 where it is −∞ (padding).
            var keyMask = biasF32 is null ? null
                : g.Threshold(g.Reshape(g.Contiguous(g.Slice(biasF32, 3, 0, seq.TextTokens, "attention_capture.text_bias"), "attention_capture.text_bias.dense"),
                    new(b, 1, seq.TextTokens), "attention_capture.text_bias.rows"), 0f, "attention_capture.key_mask");
            capture.Begin(g, seq, c.NumLayers, keyMask, grag, regionBias);
            ctx = ctx with { Capture = capture };
        }

        var root = new WeightScope(g, weights);
        hs = Layers.Linear(root, "img_in", hs, dim);                                        // [B, Nimg, D]
        ehs = Layers.RmsNorm(root, "txt_norm", ehs);                                        // [B, Ntxt, J]
        ehs = Layers.Linear(root, "txt_in", ehs, dim);                                      // [B, Ntxt, D]
        var t = TimeEmbedding.RoundTo(g, timestep, dtype, "timestep.model");                // σ in the model dtype
        var temb = Temb(root, t, dtype, "time_text_embed");                                 // [B, D]
        var tembAct = g.Silu(temb, "temb.silu");
        Node? zeroAct = null;
        if (c.ZeroCondT && seq.ReferenceTokens > 0)
        {
            var t0 = g.Scale(t, 0f, 0f, "timestep.zero");                                   // t·0 as in diffusers
            zeroAct = g.Silu(Temb(root, t0, dtype, "time_text_embed.zero"), "temb0.silu");  // [B, D], t = 0
        }
        for (int i = 0; i < c.NumLayers; i++)
        {
            (ehs, hs) = Block(root.Push("transformer_blocks").Push(i), hs, ehs, tembAct, zeroAct, ctx, i, adapter);
        }
        capture?.End();
        var e = Layers.Linear(root, "norm_out.linear", tembAct, 2 * dim);                   // [B, 2D]: scale, shift
        var y = Layers.LayerNorm(root, "norm_out.norm", hs);
        y = g.Modulate(y, Layers.Chunk(root, e, 2, 0, "norm_out.scale"), Layers.Chunk(root, e, 2, 1, "norm_out.shift"), "norm_out");
        return Layers.Linear(root, "proj_out", y, c.OutputChannels);                        // [B, Nimg, p²·Cout]
    }

    /// <summary>
    /// The additive key bias for a text mask [B, Ntxt] (1 = valid, 0 = padding): [B, 1, 1, Ntxt + Nimg] with −∞ on padded
    /// text keys and 0 elsewhere. Image keys are never masked, so no softmax row is all −∞.
    /// </summary>
    /// <exception cref="ArgumentException">The mask is not [B, Ntxt] or holds values other than 0 and 1.</exception>
    public static HostTensor MaskBias(HostTensor mask, int imageTokens)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Shape.Rank != 2)
        {
            throw new ArgumentException($"text mask must be [B, Ntxt], got {mask.Shape}", nameof(mask));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageTokens);
        int b = mask.Shape[0], n = mask.Shape[1], nk = n + imageTokens;
        var m = mask.ToFloatArray();
        var bias = new float[b * nk];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float v = m[i * n + j];
                if (v != 0f && v != 1f)
                {
                    throw new ArgumentException($"text mask value {v} at [{i}, {j}] is not 0 or 1", nameof(mask));
                }
                bias[i * nk + j] = v == 0f ? float.NegativeInfinity : 0f;
            }
        }
        return HostTensor.FromFloats(new Shape(b, 1, 1, nk), bias);
    }

    /// <summary>QwenTimestepProjEmbeddings: timestep_embedder(Timesteps(256, flip, shift 0, scale 1000)(t)); [B] → [B, D].</summary>
    private Node Temb(WeightScope root, Node t, DType dtype, string name)
    {
        var s = root.Push("time_text_embed");
        var sinus = TimeEmbedding.Sinusoid(root.Graph, t, 1000f, name + ".time_proj");          // [B, 256] f32
        return TimeEmbedding.Mlp(s, "timestep_embedder", sinus, Config.InnerDim, dtype);          // [B, D]
    }
}
