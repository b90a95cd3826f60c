using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Adapters;

/// <summary>Building blocks shared by the adapter modules (affine LayerNorm, multi-head attention, FFN).</summary>
internal static class AdapterLayers
{
    /// <summary>LayerNorm epsilon of every adapter norm (torch default).</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>nn.LayerNorm at <c>scope.module</c>: (x − mean)/√(var + ε)·w + b over the last dim; x [..., C] → [..., C].</summary>
    public static Node Norm(WeightScope scope, string module, Node x)
    {
        var s = scope.Push(module);
        int c = x.Shape[-1];
        return scope.Graph.LayerNorm(x, s.Get("weight", c), s.Get("bias", c), Epsilon, s.Prefix);
    }

    /// <summary>
    /// Multi-head attention at <c>scope.module</c> (to_q, to_k, to_v, to_out, all Linear D→D):
    /// to_out(softmax(q·kᵀ/√Dh + bias)·v) per head; q [B, Nq, D], kv [B, Nk, D] → [B, Nq, D]; optional key bias [B, 1, 1, Nk]
    /// (−∞ on padded keys).
    /// </summary>
    public static Node Attention(WeightScope scope, string module, Node q, Node kv, int heads, Node? keyBias = null)
    {
        var g = scope.Graph;
        var s = scope.Push(module);
        int b = q.Shape[0], nq = q.Shape[1], d = q.Shape[2];
        int dh = d / heads;
        var qh = Heads(s, "to_q", q, heads);                                     // [B, H, Nq, Dh]
        var kh = Heads(s, "to_k", kv, heads);                                    // [B, H, Nk, Dh]
        var vh = Heads(s, "to_v", kv, heads);                                    // [B, H, Nk, Dh]
        var o = g.Attention(qh, kh, vh, 1f / MathF.Sqrt(dh), keyBias, name: s.Name("sdpa")); // [B, H, Nq, Dh]
        o = g.Permute(o, [0, 2, 1, 3], s.Name("o.bnhd"));                        // [B, Nq, H, Dh] view
        o = g.Reshape(o, new(b, nq, d), s.Name("o"));                            // [B, Nq, D]
        return Layers.Linear(s, "to_out", o, d);                                 // [B, Nq, D]
    }

    /// <summary>FFN fc2(GELU_tanh(fc1(x))) at <c>scope.module</c>; x [..., D] → [..., hidden] → [..., D].</summary>
    public static Node FeedForward(WeightScope scope, string module, Node x, int hidden)
    {
        var s = scope.Push(module);
        var h = Layers.Linear(s, "fc1", x, hidden);          // [..., hidden]
        h = scope.Graph.Gelu(h, approximate: true, s.Name("act"));
        return Layers.Linear(s, "fc2", h, x.Shape[-1]);      // [..., D]
    }

    /// <summary>x in <paramref name="dtype"/> (a Convert node named <c>x.cast</c> when its dtype differs): raw parameters meet activations.</summary>
    public static Node As(GraphBuilder g, Node x, Engine.Tensors.DType dtype) => x.DType == dtype ? x : g.Convert(x, dtype, x.Name + ".cast");

    /// <summary>A learned [N, C] parameter broadcast over the batch of <paramref name="like"/> [B, ...]: [B, N, C].</summary>
    public static Node BatchOf(GraphBuilder g, Node parameter, Node like, string name)
    {
        var zero = g.Scale(g.Slice(g.Slice(like, 1, 0, 1, name + ".row"), -1, 0, 1, name + ".col"), 0f, 0f, name + ".zero"); // [B, 1, 1]
        return g.Add(zero, As(g, parameter, like.DType), name);                                                                               // [B, N, C]
    }

    private static Node Heads(WeightScope s, string proj, Node x, int heads)
    {
        var g = s.Graph;
        int b = x.Shape[0], n = x.Shape[1], d = x.Shape[2];
        var y = Layers.Linear(s, proj, x, d);                                    // [B, N, D]
        y = g.Reshape(y, new(b, n, heads, d / heads), s.Name(proj + ".heads"));   // [B, N, H, Dh]
        return g.Permute(y, [0, 2, 1, 3], s.Name(proj + ".bhnd"));                // [B, H, N, Dh] view
    }
}
