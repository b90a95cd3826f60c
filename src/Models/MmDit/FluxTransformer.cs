using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// FluxTransformer2DModel as FLUX.1-Kontext uses it. Follows diffusers
/// src/diffusers/models/transformers/transformer_flux.py at v0.40.0 (d035dcd7cc7c; mmdit-spec §1, S1–S4).
/// Graph inputs (fixture names): hidden_states [B, Nimg, Cin] (target then reference tokens),
/// encoder_hidden_states [B, Ntxt, J], pooled_projections [B, P], timestep [B] f32 (σ = t/1000),
/// guidance [B] f32 (when guidance_embeds), rope_cos / rope_sin [Ntxt + Nimg, Dh/2] f32
/// (<see cref="RopeTables.Flux"/>), grag_scales when GRAG is on. Output: sample [B, Nimg, Cout], all tokens.
/// </summary>
public sealed partial class FluxTransformer
{
    /// <summary>Creates the model description (no weights are read until <see cref="Build"/>).</summary>
    public FluxTransformer(FluxTransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("FluxTransformerConfig");
        Config = config;
    }

    /// <summary>The config.</summary>
    public FluxTransformerConfig Config { get; }

    /// <summary>
    /// Declares the inputs and weights and adds the forward to <paramref name="g"/>; returns <c>sample</c>.
    /// Activations are in <paramref name="dtype"/> (f32 or bf16); weights keep their stored dtype.
    /// </summary>
    /// <remarks>
    /// <paramref name="adapter"/> (optional): the region adapter, applied after the image attention residual of double blocks and to the image rows of single-block outputs; null leaves the graph unchanged.
    /// <paramref name="capture"/> (optional): attention-map capture over the joint-attention calls (double blocks 0..L−1, then single blocks); adds the
    /// <see cref="AttentionCapture.WeightInput"/> input, read the nodes from <see cref="AttentionCapture.Maps"/>.
    /// <paramref name="regionBias"/> (optional): region attention bias in every joint attention; adds the
    /// <see cref="RegionBiasOptions.RowMaskInput"/> and <see cref="RegionBiasOptions.ColumnMaskInput"/> inputs. Null options leave the graph unchanged.
    /// </remarks>
    /// <exception cref="WeightLoadException">A weight is missing or has the wrong shape.</exception>
    /// <exception cref="ArgumentException">Invalid capture or region-bias options.</exception>
    public Node Build(GraphBuilder g, IWeightCatalog weights, SequenceLayout seq, DType dtype, GragOptions? grag = null, Adapters.RegionAdapterHook? adapter = null,
        AttentionCapture? capture = null, RegionBiasOptions? regionBias = null)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(seq);
        seq.Validate();
        var c = Config;
        int b = seq.Batch, dim = c.InnerDim, half = c.AttentionHeadDim / 2;
        var hs = g.Input("hidden_states", dtype, new(b, seq.ImageTokens, c.InChannels));
        var ehs = g.Input("encoder_hidden_states", dtype, new(b, seq.TextTokens, c.JointAttentionDim));
        var pooled = g.Input("pooled_projections", dtype, new(b, c.PooledProjectionDim));
        var timestep = g.Input("timestep", DType.F32, new(b));
        var guidance = c.GuidanceEmbeds ? g.Input("guidance", DType.F32, new(b)) : null;
        var cos = g.Input("rope_cos", DType.F32, new(seq.Total, half));
        var sin = g.Input("rope_sin", DType.F32, new(seq.Total, half));
        var scales = grag is null ? null : g.Input(GragOptions.ScalesInput, DType.F32, new(grag.GroupCount, 2));
        var ctx = new AttentionContext(cos, sin, null, grag, scales, seq);
        if (regionBias is not null)
        {
            ctx = regionBias.Apply(g, ctx);
        }
        if (capture is not null)
        {
            capture.Begin(g, seq, c.NumLayers + c.NumSingleLayers, null, grag, regionBias);
            ctx = ctx with { Capture = capture };
        }

        var root = new WeightScope(g, weights);
        hs = Layers.Linear(root, "x_embedder", hs, dim);                            // [B, Nimg, D]
        var temb = Temb(root, timestep, guidance, pooled, dtype);                   // [B, D]
        ehs = Layers.Linear(root, "context_embedder", ehs, dim);                    // [B, Ntxt, D]
        var tembAct = g.Silu(temb, "temb.silu");                                    // [B, D], shared by every AdaLN
        for (int i = 0; i < c.NumLayers; i++)
        {
            (ehs, hs) = DoubleBlock(root.Push("transformer_blocks").Push(i), hs, ehs, tembAct, ctx, i, adapter);
        }
        var x = g.Concat([ehs, hs], 1, "single.input");                             // [B, N, D] text first
        for (int i = 0; i < c.NumSingleLayers; i++)
        {
            x = SingleBlock(root.Push("single_transformer_blocks").Push(i), x, tembAct, ctx, c.NumLayers + i);
            if (adapter is not null && adapter.Adapts(c.NumLayers + i))
            {
                var img = adapter.Apply(c.NumLayers + i, g.Slice(x, 1, seq.TextTokens, seq.ImageTokens, $"single_transformer_blocks.{i}.image")); // [B, Nimg, D]
                x = g.Concat([g.Slice(x, 1, 0, seq.TextTokens, $"single_transformer_blocks.{i}.text"), img], 1, $"single_transformer_blocks.{i}.adapted");
            }
        }
        capture?.End();
        hs = g.Slice(x, 1, seq.TextTokens, seq.ImageTokens, "image_tokens");        // [B, Nimg, D]
        var e = Layers.Linear(root, "norm_out.linear", tembAct, 2 * dim);           // [B, 2D]: scale, shift
        var y = Layers.LayerNorm(root, "norm_out.norm", hs);
        y = g.Modulate(y, Layers.Chunk(root, e, 2, 0, "norm_out.scale"), Layers.Chunk(root, e, 2, 1, "norm_out.shift"), "norm_out");
        return Layers.Linear(root, "proj_out", y, c.OutputChannels);                // [B, Nimg, Cout]
    }

    /// <summary>temb = TE(t·1000) + GE(g·1000) + TXT(pooled) (CombinedTimestepGuidanceTextProjEmbeddings); [B, D].</summary>
    private Node Temb(WeightScope root, Node timestep, Node? guidance, Node pooled, DType dtype)
    {
        var g = root.Graph;
        var s = root.Push("time_text_embed");
        int dim = Config.InnerDim;
        // diffusers: timestep.to(dtype) * 1000 in the model dtype, then the f32 sinusoid.
        var t = TimeEmbedding.RoundTo(g, g.Scale(TimeEmbedding.RoundTo(g, timestep, dtype, "timestep.model"), 1000f, 0f, "timestep.x1000"), dtype, "timestep.x1000");
        var temb = TimeEmbedding.Mlp(s, "timestep_embedder", TimeEmbedding.Sinusoid(g, t, 1f, s.Name("time_proj")), dim, dtype);
        if (guidance is not null)
        {
            var gd = TimeEmbedding.RoundTo(g, g.Scale(TimeEmbedding.RoundTo(g, guidance, dtype, "guidance.model"), 1000f, 0f, "guidance.x1000"), dtype, "guidance.x1000");
            var ge = TimeEmbedding.Mlp(s, "guidance_embedder", TimeEmbedding.Sinusoid(g, gd, 1f, s.Name("guidance_proj")), dim, dtype);
            temb = g.Add(temb, ge, s.Name("time_guidance"));                          // [B, D]
        }
        var txt = s.Push("text_embedder");
        var p = Layers.Linear(txt, "linear_1", pooled, dim);                           // PixArtAlphaTextProjection, act silu
        p = Layers.Linear(txt, "linear_2", g.Silu(p, txt.Name("act")), dim);
        return g.Add(temb, p, "time_text_embed");                                      // [B, D]
    }
}
