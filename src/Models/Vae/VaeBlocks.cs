// diffusers @ d035dcd7 (v0.40.0): models/resnet.py ResnetBlock2D (temb None, output_scale_factor 1),
// models/downsampling.py Downsample2D (use_conv, padding 0 → F.pad(0,1,0,1) + stride-2 3×3),
// models/upsampling.py Upsample2D (nearest ×2 + 3×3 conv), models/unets/unet_2d_blocks.py UNetMidBlock2D,
// models/attention_processor.py Attention + AttnProcessor2_0 (group_norm, 1 head, residual_connection, rescale 1).
// Node names are the diffusers module paths, so e.g. "encoder.mid_block.resnets.1" is that module's output.
using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>The AutoencoderKL building blocks as graph fragments over a <see cref="WeightScope"/>.</summary>
internal static class VaeBlocks
{
    /// <summary>GroupNorm eps of every VAE norm (resnet_eps, attention eps, conv_norm_out).</summary>
    public const float NormEpsilon = 1e-6f;

    /// <summary>nn.Conv2d at <c>scope.module</c> (k×k, given stride and padding (top, left, bottom, right)).</summary>
    public static Node Conv(WeightScope scope, string module, Node x, int outChannels, int kernel, Conv2dParams p)
    {
        var s = scope.Push(module);
        var w = s.Get("weight", outChannels, x.Shape[1], kernel, kernel);
        var b = s.Get("bias", outChannels);
        return scope.Graph.Conv2d(x, w, b, p, s.Prefix);
    }

    /// <summary>3×3 conv, stride 1, padding 1: [B, Ci, H, W] → [B, Co, H, W].</summary>
    public static Node Conv3x3(WeightScope scope, string module, Node x, int outChannels) =>
        Conv(scope, module, x, outChannels, 3, new Conv2dParams(1, 1));

    /// <summary>nn.GroupNorm(groups, C, eps 1e-6, affine) at <c>scope.module</c>.</summary>
    public static Node GroupNorm(WeightScope scope, string module, Node x, int groups)
    {
        var s = scope.Push(module);
        int c = x.Shape[1];
        return scope.Graph.GroupNorm(x, s.Get("weight", c), s.Get("bias", c), groups, NormEpsilon, s.Prefix);
    }

    /// <summary>
    /// ResnetBlock2D: h = conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))); out = (conv_shortcut(x) if Ci ≠ Co else x) + h.
    /// </summary>
    public static Node Resnet(WeightScope scope, Node x, int outChannels, int groups)
    {
        // x: [B, Ci, H, W]
        var g = scope.Graph;
        var h = GroupNorm(scope, "norm1", x, groups);
        h = g.Silu(h, scope.Name("nonlinearity"));
        h = Conv3x3(scope, "conv1", h, outChannels);            // [B, Co, H, W]
        h = GroupNorm(scope, "norm2", h, groups);
        h = g.Silu(h, scope.Name("nonlinearity"));
        // dropout is the identity at inference
        h = Conv3x3(scope, "conv2", h, outChannels);            // [B, Co, H, W]
        var shortcut = x.Shape[1] == outChannels
            ? x
            : Conv(scope, "conv_shortcut", x, outChannels, 1, new Conv2dParams(1, 0)); // 1×1: [B, Co, H, W]
        return g.Add(shortcut, h, scope.Prefix);                // output_scale_factor = 1
    }

    /// <summary>Downsample2D (padding 0): zero-pad right and bottom by 1, then 3×3 stride-2 conv: [B, C, H, W] → [B, C, H/2, W/2].</summary>
    public static Node Downsample(WeightScope scope, Node x)
    {
        // F.pad(x, (0, 1, 0, 1)) folded into the conv's asymmetric zero padding (top 0, left 0, bottom 1, right 1).
        var s = scope.Push("downsamplers").Push(0);
        return Conv(s, "conv", x, x.Shape[1], 3, new Conv2dParams(2, 0, 0, 1, 1));
    }

    /// <summary>Upsample2D: nearest ×2, then 3×3 conv: [B, C, H, W] → [B, C, 2H, 2W].</summary>
    public static Node Upsample(WeightScope scope, Node x)
    {
        var s = scope.Push("upsamplers").Push(0);
        var up = scope.Graph.UpsampleNearest2x(x, s.Name("interpolate")); // [B, C, 2H, 2W]
        return Conv3x3(s, "conv", up, x.Shape[1]);
    }

    /// <summary>UNetMidBlock2D (1 layer): resnets.0 → attentions.0 (if enabled) → resnets.1; channels unchanged.</summary>
    public static Node MidBlock(WeightScope scope, Node x, int groups, bool attention, bool matMulAttention = false)
    {
        // x: [B, C, H, W]
        int c = x.Shape[1];
        var h = Resnet(scope.Push("resnets").Push(0), x, c, groups);
        if (attention)
        {
            h = Attention(scope.Push("attentions").Push(0), h, groups, matMulAttention);
        }
        return Resnet(scope.Push("resnets").Push(1), h, c, groups);
    }

    /// <summary>
    /// Single-head spatial self-attention with group_norm and residual: t = GN(x) as tokens [B, HW, C];
    /// out = x + to_out.0(softmax(q·kᵀ/√C)·v) with q, k, v = to_q/to_k/to_v(t). <paramref name="matMulAttention"/>: MatMul → Softmax
    /// → MatMul ([B, HW, HW] scores) instead of the fused op, for backends whose fused kernel caps the head dim below C.
    /// </summary>
    public static Node Attention(WeightScope scope, Node x, int groups, bool matMulAttention = false)
    {
        // x: [B, C, H, W]
        var g = scope.Graph;
        int b = x.Shape[0], c = x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        var n = GroupNorm(scope, "group_norm", x, groups);                       // GN over [B, C, HW] = GN over [B, C, H, W]
        var t = g.Reshape(n, new(b, c, hw), scope.Name("tokens.view"));         // [B, C, HW]
        t = g.Permute(t, [0, 2, 1], scope.Name("tokens"));                       // [B, HW, C]
        var q = Projection(scope, "to_q", t, c);                                 // [B, HW, C]
        var k = Projection(scope, "to_k", t, c);
        var v = Projection(scope, "to_v", t, c);
        var a = SingleHeadAttention(scope, q, k, v, matMulAttention);            // [B, HW, C]
        a = Projection(scope, "to_out.0", a, c);                                 // [B, HW, C]; to_out.1 is Dropout
        a = g.Permute(a, [0, 2, 1], scope.Name("to_out.transpose"));            // [B, C, HW]
        a = g.Reshape(a, x.Shape, scope.Name("to_out.view"));                   // [B, C, H, W]
        return g.Add(a, x, scope.Prefix);                                        // residual, rescale_output_factor 1
    }

    /// <summary>
    /// softmax(q·kᵀ/√C)·v for one head, q, k, v [B, HW, C] (views allowed) → [B, HW, C]: the fused Attention op, or with
    /// <paramref name="matMul"/> MatMul → Softmax → MatMul ([B, HW, HW] scores; the scale goes on q, so only two such
    /// tensors are ever live) for backends whose fused kernel caps the head dim below C. Shared by both VAEs.
    /// </summary>
    public static Node SingleHeadAttention(WeightScope scope, Node q, Node k, Node v, bool matMul)
    {
        var g = scope.Graph;
        int b = q.Shape[0], hw = q.Shape[1], c = q.Shape[2];
        if (matMul)
        {
            var qs = g.Scale(q, 1f / MathF.Sqrt(c), 0f, scope.Name("q.scale"));                 // [B, HW, C]
            var scores = g.MatMul(qs, k, transposeB: true, scope.Name("scores"));                // [B, HW, HW]
            return g.MatMul(g.Softmax(scores, scope.Name("probs")), v, name: scope.Name("attention")); // [B, HW, C]
        }
        q = g.Reshape(q, new(b, 1, hw, c), scope.Name("q_heads"));                               // [B, 1, HW, C]
        k = g.Reshape(k, new(b, 1, hw, c), scope.Name("k_heads"));
        v = g.Reshape(v, new(b, 1, hw, c), scope.Name("v_heads"));
        var a = g.Attention(q, k, v, 1f / MathF.Sqrt(c), name: scope.Name("attention"));         // [B, 1, HW, C]
        return g.Reshape(a, new(b, hw, c), scope.Name("attention.merge"));                       // [B, HW, C]
    }

    /// <summary>Linear [C, C] + bias; a legacy [C, C, 1, 1] (1×1 conv) weight is viewed as [C, C].</summary>
    private static Node Projection(WeightScope scope, string module, Node x, int outFeatures)
    {
        var s = scope.Push(module);
        int inFeatures = x.Shape[-1];
        Node w;
        if (scope.Catalog.TryGetInfo(s.Name("weight"), out _, out var stored) && stored.Rank == 4)
        {
            w = scope.Graph.Reshape(s.Get("weight", outFeatures, inFeatures, 1, 1), new(outFeatures, inFeatures), s.Name("weight.squeeze"));
        }
        else
        {
            w = s.Get("weight", outFeatures, inFeatures);
        }
        return scope.Graph.Linear(x, w, s.Get("bias", outFeatures), s.Prefix);
    }
}
