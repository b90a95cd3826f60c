// diffusers src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py @ 071190da, single frame (T = 1):
// QwenImageCausalConv3d (→ Conv2d on the last temporal tap, see QwenImageVaeWeights), QwenImageRMS_norm,
// QwenImageResidualBlock, QwenImageAttentionBlock, QwenImageMidBlock, QwenImageResample (the time_conv of the 3-D modes
// is not applied to the first chunk, so never at T = 1; its tensors are declared so their names and shapes are checked).
// Node names are the diffusers module paths.
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>The AutoencoderKLQwenImage building blocks at T = 1 as graph fragments over a <see cref="WeightScope"/>.</summary>
internal static class QwenImageVaeBlocks
{
    /// <summary>F.normalize's eps: y = x / max(‖x‖₂, 1e-12).</summary>
    public const double NormalizeEpsilon = 1e-12;

    /// <summary>
    /// Causal Conv3d (k×k×k, padding k/2) at T = 1 = Conv2d with the last temporal tap (the catalog reports the 4-D
    /// view): [B, Ci, H, W] → [B, Co, H, W].
    /// </summary>
    public static Node CausalConv(WeightScope scope, string module, Node x, int outChannels, int kernel)
    {
        var s = scope.Push(module);
        int ci = x.Shape[1];
        var w = Get(s, "weight", new(outChannels, ci, kernel, kernel, kernel), outChannels, ci, kernel, kernel);
        var b = s.Get("bias", outChannels);
        return scope.Graph.Conv2d(x, w, b, new Conv2dParams(1, kernel / 2), s.Prefix);
    }

    /// <summary>
    /// QwenImageRMS_norm over channels per pixel on a channels-last x [..., C]: F.normalize(x)·√C·γ =
    /// x / max(rms(x), 1e-12/√C)·γ, computed as RMSNorm(x; γ, ε = 1e-24/C) = x·(mean(x²) + ε)^(−½)·γ. The two agree to
    /// within 5e-7 relative wherever ‖x‖₂ ≥ 1e-9, and both give 0 for x = 0 (they differ only when ‖x‖₂ ≈ 1e-12).
    /// γ is stored [C, 1, 1, 1] (images=False) or [C, 1, 1] (images=True).
    /// </summary>
    public static Node RmsNormChannelsLast(WeightScope scope, string module, Node x, int gammaRank)
    {
        var s = scope.Push(module);
        int c = x.Shape[-1];
        var gamma = gammaRank == 4 ? s.Get("gamma", c, 1, 1, 1) : s.Get("gamma", c, 1, 1);
        gamma = scope.Graph.Reshape(gamma, new(c), s.Name("gamma.view"));                     // [C]
        float eps = (float)(NormalizeEpsilon * NormalizeEpsilon / c);
        return scope.Graph.RmsNorm(x, gamma, eps, s.Prefix);
    }

    /// <summary>QwenImageRMS_norm (images=False) of x [B, C, H, W]; returns a [B, C, H, W] view of a channels-last result.</summary>
    public static Node RmsNorm(WeightScope scope, string module, Node x)
    {
        var g = scope.Graph;
        var cl = g.Permute(x, [0, 2, 3, 1], scope.Name(module + ".channels_last"));            // [B, H, W, C] view
        var n = RmsNormChannelsLast(scope, module, cl, 4);                                    // [B, H, W, C]
        return g.Permute(n, [0, 3, 1, 2], scope.Name(module + ".channels_first"));            // [B, C, H, W] view
    }

    /// <summary>
    /// QwenImageResidualBlock: h = conv_shortcut(x) (1×1×1, only if Ci ≠ Co, else x);
    /// out = conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))) + h.
    /// </summary>
    public static Node Residual(WeightScope scope, Node x, int outChannels)
    {
        // x: [B, Ci, H, W]
        var g = scope.Graph;
        var shortcut = x.Shape[1] == outChannels ? x : CausalConv(scope, "conv_shortcut", x, outChannels, 1); // [B, Co, H, W]
        var h = RmsNorm(scope, "norm1", x);                                                   // [B, Ci, H, W] (view)
        h = g.Silu(h, scope.Name("nonlinearity.1"));
        h = CausalConv(scope, "conv1", h, outChannels, 3);                                   // [B, Co, H, W]
        h = RmsNorm(scope, "norm2", h);
        h = g.Silu(h, scope.Name("nonlinearity.2"));
        // dropout is the identity at inference
        h = CausalConv(scope, "conv2", h, outChannels, 3);                                   // [B, Co, H, W]
        return g.Add(h, shortcut, scope.Prefix);
    }

    /// <summary>
    /// QwenImageAttentionBlock (per frame, one head of dim C): t = norm(x) as tokens [B, HW, C]; q | k | v = to_qkv(t)
    /// (1×1 conv = Linear [3C, C]); out = x + proj(softmax(q·kᵀ/√C)·v).
    /// </summary>
    /// <remarks>
    /// <paramref name="matMulAttention"/>: softmax(q·kᵀ/√C)·v as MatMul → Softmax → MatMul (HW² scores in memory) instead of
    /// the fused Attention op, for backends whose fused kernel caps the head dim below C.
    /// </remarks>
    public static Node Attention(WeightScope scope, Node x, bool matMulAttention)
    {
        // x: [B, C, H, W]
        var g = scope.Graph;
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], hw = h * w;
        var cl = g.Permute(x, [0, 2, 3, 1], scope.Name("channels_last"));                  // [B, H, W, C] view
        var n = RmsNormChannelsLast(scope, "norm", cl, 3);                                   // [B, H, W, C]
        var t = g.Reshape(n, new(b, hw, c), scope.Name("tokens"));                          // [B, HW, C]
        var qkv = Pointwise(scope, "to_qkv", t, 3 * c);                                      // [B, HW, 3C]
        var q = g.Slice(qkv, -1, 0, c, scope.Name("q.view"));                               // [B, HW, C] views
        var k = g.Slice(qkv, -1, c, c, scope.Name("k.view"));
        var v = g.Slice(qkv, -1, 2 * c, c, scope.Name("v.view"));
        var a = VaeBlocks.SingleHeadAttention(scope, q, k, v, matMulAttention);            // [B, HW, C]
        a = Pointwise(scope, "proj", a, c);                                                  // [B, HW, C]
        a = g.Reshape(a, new(b, h, w, c), scope.Name("proj.view"));                         // [B, H, W, C]
        a = g.Permute(a, [0, 3, 1, 2], scope.Name("proj.channels_first"));                  // [B, C, H, W] view
        return g.Add(a, x, scope.Prefix);                                                    // residual
    }

    /// <summary>QwenImageMidBlock (num_layers 1): resnets.0 → attentions.0 → resnets.1; channels unchanged.</summary>
    public static Node MidBlock(WeightScope scope, Node x, bool matMulAttention)
    {
        // x: [B, C, H, W]
        int c = x.Shape[1];
        var h = Residual(scope.Push("resnets").Push(0), x, c);
        h = Attention(scope.Push("attentions").Push(0), h, matMulAttention);
        return Residual(scope.Push("resnets").Push(1), h, c);
    }

    /// <summary>
    /// QwenImageResample downsample2d/3d: ZeroPad2d(0, 1, 0, 1) + Conv2d 3×3 stride 2 (<c>resample.1</c>):
    /// [B, C, H, W] → [B, C, H/2, W/2]. 3-D mode: <c>time_conv</c> [C, C, 3, 1, 1] is declared, not applied (T = 1).
    /// </summary>
    public static Node Downsample(WeightScope scope, Node x, bool temporal)
    {
        int c = x.Shape[1];
        if (temporal)
        {
            DeclareTimeConv(scope, c, c);
        }
        var s = scope.Push("resample").Push(1);
        var w = Get(s, "weight", new(c, c, 3, 3), c, c, 3, 3);
        // The zero pad (right and bottom) folds into the conv's asymmetric padding (top 0, left 0, bottom 1, right 1).
        return scope.Graph.Conv2d(x, w, s.Get("bias", c), new Conv2dParams(2, 0, 0, 1, 1), s.Prefix);
    }

    /// <summary>
    /// QwenImageResample upsample2d/3d: nearest-exact ×2 (= nearest for a factor of 2) + Conv2d 3×3 pad 1 that halves
    /// the channels: [B, C, H, W] → [B, C/2, 2H, 2W]. 3-D mode: <c>time_conv</c> [2C, C, 3, 1, 1] is declared, not applied.
    /// </summary>
    public static Node Upsample(WeightScope scope, Node x, bool temporal)
    {
        int c = x.Shape[1];
        if (temporal)
        {
            DeclareTimeConv(scope, c, 2 * c);
        }
        var up = scope.Graph.UpsampleNearest2x(x, scope.Name("resample.0"));               // [B, C, 2H, 2W]
        var s = scope.Push("resample").Push(1);
        var w = Get(s, "weight", new(c / 2, c, 3, 3), c / 2, c, 3, 3);
        return scope.Graph.Conv2d(up, w, s.Get("bias", c / 2), new Conv2dParams(1, 1), s.Prefix); // [B, C/2, 2H, 2W]
    }

    // The time_conv is a causal (3, 1, 1) Conv3d: its T = 1 view is [out, in, 1, 1]. Declared only (unreachable nodes
    // are pruned from the built graph), so a checkpoint binding check sees the keys as used by the model.
    private static void DeclareTimeConv(WeightScope scope, int inChannels, int outChannels)
    {
        var s = scope.Push("time_conv");
        Get(s, "weight", new(outChannels, inChannels, 3, 1, 1), outChannels, inChannels, 1, 1);
        s.Get("bias", outChannels);
    }

    // A 1×1 Conv2d on tokens [B, N, Ci]: weight [Co, Ci, 1, 1] viewed as a Linear [Co, Ci].
    private static Node Pointwise(WeightScope scope, string module, Node tokens, int outFeatures)
    {
        var s = scope.Push(module);
        int inFeatures = tokens.Shape[-1];
        var w = Get(s, "weight", new(outFeatures, inFeatures, 1, 1), outFeatures, inFeatures, 1, 1);
        w = scope.Graph.Reshape(w, new(outFeatures, inFeatures), s.Name("weight.view"));
        return scope.Graph.Linear(tokens, w, s.Get("bias", outFeatures), s.Prefix);
    }

    // Declares a conv weight by its T = 1 view; over a QwenImageVaeWeights the stored tensor must have exactly the
    // diffusers shape (5-D for Conv3d, 4-D for Conv2d), so e.g. a 5-D to_qkv or a 4-D conv_in is reported, not reinterpreted.
    private static Node Get(WeightScope s, string key, Shape stored, params int[] view)
    {
        string full = s.Name(key);
        if (s.Catalog is QwenImageVaeWeights q && q.TryGetStoredShape(full, out _, out var actual) && actual != stored)
        {
            throw new WeightLoadException($"weight '{full}' in {q.Source} has shape {actual}, the model expects {stored}");
        }
        return s.Get(key, view);
    }
}
