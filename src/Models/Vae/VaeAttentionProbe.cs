using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.Vae;

/// <summary>Whether a backend's fused Attention takes the single-head VAE attention (head dim = the mid block's channels).</summary>
internal static class VaeAttentionProbe
{
    /// <summary>True when <paramref name="backend"/> cannot run a one-head Attention with head dim <paramref name="channels"/> in <paramref name="dtype"/>.</summary>
    public static bool NeedsMatMul(IBackend backend, DType dtype, int channels)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var g = new GraphBuilder();
        var q = g.Input("q", dtype, new Shape(1, 1, 4, channels));
        var probe = g.Attention(q, q, q, 1f / MathF.Sqrt(channels), name: "probe");
        return !backend.Supports(probe, out _);
    }
}
