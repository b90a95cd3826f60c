using Locus.Engine.Graph;

namespace Locus.Models.Common;

/// <summary>
/// Small torch-module helpers over <see cref="WeightScope"/>: each declares its weights by diffusers name and
/// adds graph ops; model code never names a kernel. Every helper names its op node after the module path.
/// </summary>
public static class Layers
{
    /// <summary>nn.Linear at <c>scope.module</c>: y = x·Wᵀ + b, W [out, in] (in = x's last dim); x [..., in] → [..., out].</summary>
    public static Node Linear(WeightScope scope, string module, Node x, int outFeatures, bool bias = true)
    {
        int inFeatures = x.Shape[-1];
        var s = scope.Push(module);
        var w = s.Get("weight", outFeatures, inFeatures);
        var b = bias ? s.Get("bias", outFeatures) : null;
        return scope.Graph.Linear(x, w, b, s.Prefix);
    }

    /// <summary>RMSNorm at <c>scope.module</c>: x·(mean(x²) + ε)^(−½)·w over the last dim; x [..., C] → [..., C].</summary>
    public static Node RmsNorm(WeightScope scope, string module, Node x, float epsilon = 1e-6f)
    {
        var s = scope.Push(module);
        var w = s.Get("weight", x.Shape[-1]);
        return scope.Graph.RmsNorm(x, w, epsilon, s.Prefix);
    }

    /// <summary>Parameter-free LayerNorm (elementwise_affine=False): (x − mean)/√(var + ε); x [..., C] → [..., C].</summary>
    public static Node LayerNorm(WeightScope scope, string name, Node x, float epsilon = 1e-6f) =>
        scope.Graph.LayerNorm(x, null, null, epsilon, scope.Name(name));

    /// <summary>
    /// diffusers FeedForward(dim, activation_fn="gelu-approximate") at <c>scope.module</c>:
    /// net.2(GELU_tanh(net.0.proj(x))); x [..., D] → [..., hidden] → [..., D].
    /// </summary>
    public static Node FeedForward(WeightScope scope, string module, Node x, int hidden)
    {
        int dim = x.Shape[-1];
        var s = scope.Push(module);
        var h = Linear(s, "net.0.proj", x, hidden);                 // [..., hidden]
        h = scope.Graph.Gelu(h, approximate: true, s.Name("net.0")); // GELU tanh
        return Linear(s, "net.2", h, dim);                           // [..., D]
    }

    /// <summary>Chunk <paramref name="index"/> of <paramref name="count"/> along the last axis of e [B, count·C] → [B, C] (view).</summary>
    public static Node Chunk(WeightScope scope, Node e, int count, int index, string name)
    {
        int c = e.Shape[-1] / count;
        return scope.Graph.Slice(e, -1, index * c, c, scope.Name(name));
    }
}
