using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Adapters;

/// <summary>
/// The per-block adapter with its SpatialGate (docs/region-adapter.md, paper Eq. 1, 2, 6), on target image rows only
/// (source-token protection: source/reference rows never enter, so they are untouched by construction):
/// <code>
/// u = LN(to_out(MHA(q = h0·W_Q, k = c·W_K, v = c·W_V)))             [B, L, D]
/// g = σ(fc2(SiLU(fc1(M̄·e_edit + (1 − M̄)·e_keep))))                   [B, L, 1]
/// h = h0 + g ⊙ fc2(GELU_tanh(fc1(u)))                               [B, L, D]
/// </code>
/// With g ≡ 0 the GatedResidual returns h0 bit for bit (h0 + 0·y).
/// </summary>
public static class BlockAdapter
{
    /// <summary>
    /// The gate g [B, L, 1] of block <paramref name="block"/> from the target-grid mask M̄ [B, L, 1]
    /// (weights under <c>region_adapter.blocks.{block}.gate</c>).
    /// </summary>
    public static Node Gate(WeightScope root, RegionAdapterConfig config, int block, Node maskTokens)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(maskTokens);
        ConditionEncoder.Require(maskTokens.Shape.Rank == 3 && maskTokens.Shape[2] == 1, nameof(maskTokens), maskTokens.Shape, "[B, L, 1]");
        var s = root.Push("blocks").Push(block).Push("gate");
        var e = ConditionEncoder.Blend(s, maskTokens, config.GateDim);     // [B, L, D_g]
        var ms = s.Push("mlp");
        var z = Layers.Linear(ms, "fc1", e, config.GateDim);                 // [B, L, D_g]
        z = s.Graph.Silu(z, ms.Name("act"));
        z = Layers.Linear(ms, "fc2", z, 1);                                  // [B, L, 1]
        return s.Graph.Sigmoid(z, s.Name("sigmoid"));                        // [B, L, 1]
    }

    /// <summary>
    /// Applies block <paramref name="block"/>'s adapter: h0 [B, L, D] target rows, condition c [B, N_c, D],
    /// gate [B, L, 1] (from <see cref="Gate"/>) → h [B, L, D].
    /// </summary>
    /// <exception cref="ArgumentException">A shape disagrees with the config (the message names the input and both shapes).</exception>
    public static Node Apply(WeightScope root, RegionAdapterConfig config, int block, Node h0, Node condition, Node gate)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(h0);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(gate);
        int d = config.HiddenSize;
        ConditionEncoder.Require(h0.Shape.Rank == 3 && h0.Shape[2] == d, nameof(h0), h0.Shape, $"[B, L, {d}]");
        ConditionEncoder.Require(condition.Shape.Rank == 3 && condition.Shape[0] == h0.Shape[0] && condition.Shape[2] == d,
            nameof(condition), condition.Shape, $"[{h0.Shape[0]}, N_c, {d}]");
        ConditionEncoder.Require(gate.Shape.Rank == 3 && gate.Shape[0] == h0.Shape[0] && gate.Shape[1] == h0.Shape[1] && gate.Shape[2] == 1,
            nameof(gate), gate.Shape, $"[{h0.Shape[0]}, {h0.Shape[1]}, 1]");
        var g = root.Graph;
        var s = root.Push("blocks").Push(block);
        var a = AdapterLayers.Attention(s, "attn", h0, condition, config.Heads);  // [B, L, D]
        var u = AdapterLayers.Norm(s, "norm", a);                                  // [B, L, D]
        var y = AdapterLayers.FeedForward(s, "ff", u, config.FfnDim);              // [B, L, D]
        return g.GatedResidual(h0, gate, y, s.Name("out"));                        // [B, L, D]
    }
}
