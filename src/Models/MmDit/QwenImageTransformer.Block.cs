using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

public sealed partial class QwenImageTransformer
{
    /// <summary>
    /// QwenImageTransformerBlock.forward: img_mod/txt_mod = Linear(SiLU(temb)) [B, 6D] as (shift, scale, gate) × 2,
    /// LN → modulate → joint attention → gated residual, then LN → modulate → GELU-tanh MLP → gated residual.
    /// With zero_cond_t the reference tokens use the t = 0 image modulation (<paramref name="zeroAct"/>).
    /// </summary>
    private (Node Text, Node Image) Block(WeightScope s, Node hs, Node ehs, Node tembAct, Node? zeroAct, AttentionContext ctx, int layer, Adapters.RegionAdapterHook? adapter = null)
    {
        var g = s.Graph;
        var c = Config;
        int dim = c.InnerDim;
        var im = Layers.Linear(s, "img_mod.1", tembAct, 6 * dim);                              // [B, 6D]
        var im0 = zeroAct is null ? null : Layers.Linear(s, "img_mod.1", zeroAct, 6 * dim);    // [B, 6D] at t = 0
        var tm = Layers.Linear(s, "txt_mod.1", tembAct, 6 * dim);                              // [B, 6D]
        var mod = new ImageModulation(s, im, im0, ctx.Sequence.TargetTokens);
        Node T(int i, string n) => Layers.Chunk(s, tm, 6, i, n);

        var x = mod.Modulate(Layers.LayerNorm(s, "img_norm1", hs), 0, "img_mod1");             // [B, Nimg, D]
        var cx = g.Modulate(Layers.LayerNorm(s, "txt_norm1", ehs), T(1, "txt_scale1"), T(0, "txt_shift1"), s.Name("txt_mod1")); // [B, Ntxt, D]
        var (aImg, aTxt) = JointAttention.DualStream(s.Push("attn"), x, cx, c.NumAttentionHeads, c.AttentionHeadDim, ctx, layer);
        hs = mod.Residual(hs, aImg, 0, "img_attn_residual");                                   // [B, Nimg, D]
        hs = adapter?.Apply(layer, hs) ?? hs;                                                   // region adapter: target rows only
        ehs = g.GatedResidual(ehs, T(2, "txt_gate1"), aTxt, s.Name("txt_attn_residual"));      // [B, Ntxt, D]
        var x2 = mod.Modulate(Layers.LayerNorm(s, "img_norm2", hs), 1, "img_mod2");
        hs = mod.Residual(hs, Layers.FeedForward(s, "img_mlp", x2, 4 * dim), 1, "hidden_states");
        var c2 = g.Modulate(Layers.LayerNorm(s, "txt_norm2", ehs), T(4, "txt_scale2"), T(3, "txt_shift2"), s.Name("txt_mod2"));
        ehs = g.GatedResidual(ehs, T(5, "txt_gate2"), Layers.FeedForward(s, "txt_mlp", c2, 4 * dim), s.Name("encoder_hidden_states"));
        return (ehs, hs);
    }

    /// <summary>Image-stream modulation; with zero_cond_t tokens [0, Nt) use the t parameters and [Nt, Nimg) the t = 0 ones.</summary>
    private sealed class ImageModulation(WeightScope s, Node im, Node? im0, int targetTokens)
    {
        private Node Chunk(Node m, int half, int i, string n) => Layers.Chunk(s, m, 6, (3 * half) + i, n);

        /// <summary>x [B, Nimg, D] · (1 + scale) + shift of half 0 (attention) or 1 (MLP).</summary>
        public Node Modulate(Node x, int half, string name)
        {
            var g = s.Graph;
            var y = g.Modulate(Part(x, 0), Chunk(im, half, 1, name + ".scale"), Chunk(im, half, 0, name + ".shift"), s.Name(name));
            if (im0 is null)
            {
                return y;
            }
            var y0 = g.Modulate(Part(x, 1), Chunk(im0, half, 1, name + ".scale0"), Chunk(im0, half, 0, name + ".shift0"), s.Name(name + ".ref"));
            return g.Concat([y, y0], 1, s.Name(name + ".joint"));                            // [B, Nimg, D]
        }

        /// <summary>h + gate ⊙ y with the gate of half 0 or 1.</summary>
        public Node Residual(Node h, Node y, int half, string name)
        {
            var g = s.Graph;
            var r = g.GatedResidual(Part(h, 0), Chunk(im, half, 2, name + ".gate"), Part(y, 0), s.Name(im0 is null ? name : name + ".target"));
            if (im0 is null)
            {
                return r;
            }
            var r0 = g.GatedResidual(Part(h, 1), Chunk(im0, half, 2, name + ".gate0"), Part(y, 1), s.Name(name + ".ref"));
            return g.Concat([r, r0], 1, s.Name(name));                                       // [B, Nimg, D]
        }

        /// <summary>Whole x without zero_cond_t; else the target (0) or reference (1) token range.</summary>
        private Node Part(Node x, int part) => im0 is null ? x
            : part == 0 ? s.Graph.Slice(x, 1, 0, targetTokens, x.Name + ".target") : s.Graph.Slice(x, 1, targetTokens, x.Shape[1] - targetTokens, x.Name + ".ref");
    }
}
