using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

public sealed partial class FluxTransformer
{
    /// <summary>FluxTransformerBlock.forward: AdaLayerNormZero on both streams, joint attention, gated residuals, GELU-tanh FFs.</summary>
    private (Node Text, Node Image) DoubleBlock(WeightScope s, Node hs, Node ehs, Node tembAct, AttentionContext ctx, int layer, Adapters.RegionAdapterHook? adapter = null)
    {
        var g = s.Graph;
        var c = Config;
        int dim = c.InnerDim;
        var e = Layers.Linear(s, "norm1.linear", tembAct, 6 * dim);                 // [B, 6D]
        var ce = Layers.Linear(s, "norm1_context.linear", tembAct, 6 * dim);        // [B, 6D]
        Node Ch(Node m, int i, string n) => Layers.Chunk(s, m, 6, i, n);           // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        var x = g.Modulate(Layers.LayerNorm(s, "norm1.norm", hs), Ch(e, 1, "norm1.scale_msa"), Ch(e, 0, "norm1.shift_msa"), s.Name("norm1"));        // [B, Nimg, D]
        var cx = g.Modulate(Layers.LayerNorm(s, "norm1_context.norm", ehs), Ch(ce, 1, "norm1_context.scale_msa"), Ch(ce, 0, "norm1_context.shift_msa"), s.Name("norm1_context")); // [B, Ntxt, D]
        var (aImg, aTxt) = JointAttention.DualStream(s.Push("attn"), x, cx, c.NumAttentionHeads, c.AttentionHeadDim, ctx, layer);
        hs = g.GatedResidual(hs, Ch(e, 2, "gate_msa"), aImg, s.Name("attn_residual"));                                   // [B, Nimg, D]
        hs = adapter?.Apply(layer, hs) ?? hs;                                                                             // region adapter: target rows only
        var m = g.Modulate(Layers.LayerNorm(s, "norm2", hs), Ch(e, 4, "scale_mlp"), Ch(e, 3, "shift_mlp"), s.Name("norm2.mod"));
        hs = g.GatedResidual(hs, Ch(e, 5, "gate_mlp"), Layers.FeedForward(s, "ff", m, 4 * dim), s.Name("hidden_states")); // [B, Nimg, D]
        ehs = g.GatedResidual(ehs, Ch(ce, 2, "c_gate_msa"), aTxt, s.Name("context_attn_residual"));                      // [B, Ntxt, D]
        var cm = g.Modulate(Layers.LayerNorm(s, "norm2_context", ehs), Ch(ce, 4, "c_scale_mlp"), Ch(ce, 3, "c_shift_mlp"), s.Name("norm2_context.mod"));
        ehs = g.GatedResidual(ehs, Ch(ce, 5, "c_gate_mlp"), Layers.FeedForward(s, "ff_context", cm, 4 * dim), s.Name("encoder_hidden_states"));
        return (ehs, hs);
    }

    /// <summary>
    /// FluxSingleTransformerBlock.forward on X = [text | image] [B, N, D]:
    /// X + gate·proj_out(cat(Attn(x), GELU_tanh(proj_mlp(x)))), x = AdaLayerNormZeroSingle(X).
    /// </summary>
    private Node SingleBlock(WeightScope s, Node x0, Node tembAct, AttentionContext ctx, int layer)
    {
        var g = s.Graph;
        var c = Config;
        int dim = c.InnerDim;
        var e = Layers.Linear(s, "norm.linear", tembAct, 3 * dim);                                                   // [B, 3D]: shift, scale, gate
        var x = g.Modulate(Layers.LayerNorm(s, "norm.norm", x0), Layers.Chunk(s, e, 3, 1, "norm.scale"), Layers.Chunk(s, e, 3, 0, "norm.shift"), s.Name("norm")); // [B, N, D]
        var mlp = g.Gelu(Layers.Linear(s, "proj_mlp", x, 4 * dim), approximate: true, s.Name("act_mlp"));             // [B, N, 4D]
        var attn = s.Push("attn");
        var q = JointAttention.Heads(attn, "to_q", "norm_q", x, c.NumAttentionHeads, c.AttentionHeadDim);              // [B, N, H, Dh]
        var k = JointAttention.Heads(attn, "to_k", "norm_k", x, c.NumAttentionHeads, c.AttentionHeadDim);
        var v = JointAttention.Heads(attn, "to_v", null, x, c.NumAttentionHeads, c.AttentionHeadDim);
        var a = JointAttention.Attend(attn, q, k, v, ctx, layer);                                                     // [B, N, D]
        var y = Layers.Linear(s, "proj_out", g.Concat([a, mlp], 2, s.Name("attn_mlp")), dim);                        // [B, N, 5D] → [B, N, D]
        return g.GatedResidual(x0, Layers.Chunk(s, e, 3, 2, "norm.gate"), y, s.Name("output"));                      // [B, N, D]
    }
}
