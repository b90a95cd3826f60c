using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// Per-forward values every joint attention shares: RoPE tables, optional key bias and GRAG; optional attention capture
/// and region bias (row mask [B, N] and column mask [N] f32 inputs, bias value).
/// </summary>
internal sealed record AttentionContext(Node RopeCos, Node RopeSin, Node? Bias, GragOptions? Grag, Node? GragScales, SequenceLayout Sequence,
    AttentionCapture? Capture = null, float? RegionBias = null, Node? RegionRowMask = null, Node? RegionColMask = null);

/// <summary>
/// The MM-DiT joint attention shared by Flux (FluxAttnProcessor, transformer_flux.py) and Qwen
/// (QwenDoubleStreamAttnProcessor2_0, transformer_qwenimage.py), diffusers v0.40.0: per-stream q/k/v, per-head
/// RMSNorm of q and k, joint sequence [text | image], adjacent-pair RoPE, SDPA with scale 1/√Dh.
/// </summary>
internal static class JointAttention
{
    /// <summary>Projection <c>proj</c> of x [B, N, D] → heads [B, N, H, Dh], then RMSNorm <c>norm</c> (eps 1e-6) over Dh.</summary>
    public static Node Heads(WeightScope attn, string proj, string? norm, Node x, int heads, int headDim)
    {
        var g = attn.Graph;
        var y = Layers.Linear(attn, proj, x, heads * headDim);                                    // [B, N, D]
        y = g.Reshape(y, new(x.Shape[0], x.Shape[1], heads, headDim), attn.Name(proj + ".heads")); // [B, N, H, Dh]
        return norm is null ? y : Layers.RmsNorm(attn, norm, y);                                  // [B, N, H, Dh]
    }

    /// <summary>
    /// Attention over the joint sequence. q, k, v [B, N, H, Dh] (N = text + image, text first) → [B, N, H·Dh].
    /// RoPE is applied to q and k here; GRAG (block <paramref name="layer"/>) rewrites the reference keys after RoPE.
    /// </summary>
    public static Node Attend(WeightScope attn, Node q, Node k, Node v, AttentionContext ctx, int layer)
    {
        var g = attn.Graph;
        int b = q.Shape[0], n = q.Shape[1], h = q.Shape[2], dh = q.Shape[3];
        q = g.Permute(q, [0, 2, 1, 3], attn.Name("q.bhnd"));                    // [B, H, N, Dh] view
        k = g.Permute(k, [0, 2, 1, 3], attn.Name("k.bhnd"));
        v = g.Permute(v, [0, 2, 1, 3], attn.Name("v.bhnd"));
        q = g.Rope(q, ctx.RopeCos, ctx.RopeSin, attn.Name("q.rope"));             // [B, H, N, Dh]
        k = g.Rope(k, ctx.RopeCos, ctx.RopeSin, attn.Name("k.rope"));
        var groups = ctx.Grag?.Groups(layer, ctx.Sequence);
        float scale = 1f / MathF.Sqrt(dh);
        var o = g.Attention(q, k, v, scale, ctx.Bias, groups, groups is null ? null : ctx.GragScales,
            ctx.RegionBias, ctx.RegionRowMask, ctx.RegionColMask, name: attn.Name("sdpa")); // [B, H, N, Dh]
        if (ctx.Capture is not null && ctx.Capture.Options.Captures(layer))
        {
            var textBias = ctx.Bias is null ? null : g.Slice(ctx.Bias, 3, 0, ctx.Sequence.TextTokens, attn.Name("capture.text_bias")); // [B, 1, 1, Ntxt]
            ctx.Capture.Capture(attn.Name("capture"), layer, q, k, o, textBias, scale);
        }
        o = g.Permute(o, [0, 2, 1, 3], attn.Name("o.bnhd"));                      // [B, N, H, Dh] view
        return g.Reshape(o, new(b, n, h * dh), attn.Name("o"));                   // [B, N, D]
    }

    /// <summary>Dual-stream attention (Flux double block, Qwen block): returns (image out, text out), each after its output projection.</summary>
    public static (Node Image, Node Text) DualStream(WeightScope attn, Node x, Node c, int heads, int headDim, AttentionContext ctx, int layer)
    {
        var g = attn.Graph;
        int ntxt = c.Shape[1], nimg = x.Shape[1], dim = heads * headDim;
        var q = Heads(attn, "to_q", "norm_q", x, heads, headDim);                 // [B, Nimg, H, Dh]
        var k = Heads(attn, "to_k", "norm_k", x, heads, headDim);
        var v = Heads(attn, "to_v", null, x, heads, headDim);
        var cq = Heads(attn, "add_q_proj", "norm_added_q", c, heads, headDim);    // [B, Ntxt, H, Dh]
        var ck = Heads(attn, "add_k_proj", "norm_added_k", c, heads, headDim);
        var cv = Heads(attn, "add_v_proj", null, c, heads, headDim);
        var qj = g.Concat([cq, q], 1, attn.Name("q.joint"));                      // [B, N, H, Dh] text first
        var kj = g.Concat([ck, k], 1, attn.Name("k.joint"));
        var vj = g.Concat([cv, v], 1, attn.Name("v.joint"));
        var o = Attend(attn, qj, kj, vj, ctx, layer);                             // [B, N, D]
        var oTxt = g.Slice(o, 1, 0, ntxt, attn.Name("o.txt"));                    // [B, Ntxt, D]
        var oImg = g.Slice(o, 1, ntxt, nimg, attn.Name("o.img"));                 // [B, Nimg, D]
        var img = Layers.Linear(attn, "to_out.0", oImg, dim);                     // [B, Nimg, D]
        var txt = Layers.Linear(attn, "to_add_out", oTxt, dim);                   // [B, Ntxt, D]
        return (img, txt);
    }
}
