using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Adapters;

/// <summary>
/// The adapter's MaskPredictor (docs/region-adapter.md, paper Eq. 8, §3.6):
/// <code>
/// c̄     = mean_q c_inst                                         [B, 1, D]
/// γ, β   = split(film(c̄))                                       [B, 1, D_m] each
/// Q̃     = γ ⊙ Q_m + β                                          [B, N_p, D_m]
/// a      = MHA(Q̃, latent_proj(z), latent_proj(z))               [B, N_p, D_m] → [B, D_m, P, P]
/// logits = conv2(SiLU(conv1₃ₓ₃(a)))                             [B, 1, P, P]
/// mask   = dilate(bilinear(logits, Hl × Wl) ≥ logit(threshold), r)   [B, 1, Hl, Wl] ∈ {0, 1}
/// </code>
/// σ(x) &gt; t ⟺ x &gt; logit(t) (σ monotone, bilinear resize linear), so no sigmoid op is needed; the threshold test is ≥
/// (differs from &gt; only on exact ties).
/// </summary>
public static class MaskPredictor
{
    /// <summary>Outputs of <see cref="Build"/>: logits [B, 1, Hl, Wl] (upsampled) and the binary dilated mask [B, 1, Hl, Wl].</summary>
    public sealed record Result(Node Logits, Node Mask);

    /// <summary>
    /// Builds the predictor under <c>region_adapter.mask_predictor</c>. instruction c_inst [B, N_q, D]
    /// (<see cref="ConditionEncoder.Result.Instruction"/>); latent z [B, Hl·Wl, C_lat] (packed source latent).
    /// </summary>
    /// <exception cref="ArgumentException">A shape disagrees with the config (the message names the input and both shapes).</exception>
    public static Result Build(WeightScope root, RegionAdapterConfig config, Node instruction, Node latent, int latentHeight, int latentWidth)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(latent);
        int d = config.HiddenSize, dm = config.PredictorDim, pg = config.PredictorGrid, np = pg * pg;
        ConditionEncoder.Require(instruction.Shape.Rank == 3 && instruction.Shape[2] == d, nameof(instruction), instruction.Shape, $"[B, N_q, {d}]");
        int b = instruction.Shape[0], nq = instruction.Shape[1];
        ConditionEncoder.Require(latent.Shape == new Shape(b, latentHeight * latentWidth, config.LatentChannels), nameof(latent), latent.Shape,
            $"[{b}, {latentHeight * latentWidth}, {config.LatentChannels}]");
        var g = root.Graph;
        var s = root.Push("mask_predictor");

        var pooled = g.AreaDownsample(instruction, nq, 1, s.Name("pooled"));                 // [B, 1, D]
        var film = Layers.Linear(s, "film", pooled, 2 * dm);                                  // [B, 1, 2·D_m]
        var gamma = g.Slice(film, -1, 0, dm, s.Name("film.gamma"));                          // [B, 1, D_m]
        var beta = g.Slice(film, -1, dm, dm, s.Name("film.beta"));                           // [B, 1, D_m]
        var q = g.Add(g.Mul(gamma, AdapterLayers.As(g, s.Get("queries", np, dm), gamma.DType), s.Name("queries.scaled")), beta, s.Name("queries.film")); // [B, N_p, D_m]
        var phi = Layers.Linear(s, "latent_proj", latent, dm);                                // [B, L, D_m]
        var a = AdapterLayers.Attention(s, "attn", q, phi, config.PredictorHeads);           // [B, N_p, D_m]
        a = g.Permute(a, [0, 2, 1], s.Name("attn.cl"));                                      // [B, D_m, N_p] view
        a = g.Reshape(a, new(b, dm, pg, pg), s.Name("attn.map"));                            // [B, D_m, P, P]
        var hs = s.Push("head");
        var c1 = hs.Push("conv1");
        var h = g.Conv2d(a, c1.Get("weight", dm / 2, dm, 3, 3), c1.Get("bias", dm / 2), new Conv2dParams(1, 1), c1.Prefix); // [B, D_m/2, P, P]
        h = g.Silu(h, hs.Name("act"));
        var c2 = hs.Push("conv2");
        h = g.Conv2d(h, c2.Get("weight", 1, dm / 2, 1, 1), c2.Get("bias", 1), new Conv2dParams(1, 0), c2.Prefix);          // [B, 1, P, P]
        var logits = g.BilinearUpsample(h, latentHeight, latentWidth, s.Name("logits"));    // [B, 1, Hl, Wl]
        float cut = (float)Math.Log(config.Threshold / (1.0 - config.Threshold));
        var mask = g.Threshold(logits, cut, s.Name("binary"));                               // [B, 1, Hl, Wl] ∈ {0, 1}
        if (config.Dilation > 0)
        {
            mask = g.Dilate(mask, config.Dilation, elliptical: false, s.Name("dilate"));   // [B, 1, Hl, Wl]
        }
        return new Result(logits, mask);
    }
}
