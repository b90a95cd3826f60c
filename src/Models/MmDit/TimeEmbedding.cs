using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>diffusers embeddings.py: Timesteps (256 channels, flip_sin_to_cos, shift 0) + TimestepEmbedding (linear_1, SiLU, linear_2).</summary>
internal static class TimeEmbedding
{
    /// <summary>Sinusoid of t [B] f32 → [B, 256] f32: [cos, sin] of t·timeScale·exp(−ln(10⁴)·k/128).</summary>
    public static Node Sinusoid(GraphBuilder g, Node t, float timeScale, string name) =>
        g.TimestepEmbedding(t, new TimestepEmbeddingParams(256, FlipSinToCos: true, DownscaleFreqShift: 0f, TimeScale: timeScale), name);

    /// <summary>TimestepEmbedding at <c>scope.module</c>: linear_2(SiLU(linear_1(sinus))); [B, 256] → [B, D] in <paramref name="dtype"/>.</summary>
    public static Node Mlp(WeightScope scope, string module, Node sinus, int dim, DType dtype)
    {
        var s = scope.Push(module);
        var x = sinus.DType == dtype ? sinus : scope.Graph.Convert(sinus, dtype, s.Name("sinus.cast")); // [B, 256]
        var h = Layers.Linear(s, "linear_1", x, dim);                                                 // [B, D]
        h = scope.Graph.Silu(h, s.Name("act"));
        return Layers.Linear(s, "linear_2", h, dim);                                                  // [B, D]
    }

    /// <summary>Rounds an f32 value to <paramref name="dtype"/> and back (the model-dtype cast of diffusers); identity for f32.</summary>
    public static Node RoundTo(GraphBuilder g, Node x, DType dtype, string name) =>
        dtype == DType.F32 ? x : g.Convert(g.Convert(x, dtype, name + ".cast"), DType.F32, name + ".uncast");
}
