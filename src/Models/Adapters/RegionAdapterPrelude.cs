using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Adapters;

/// <summary>
/// The adapter's once-per-edit graph (docs/region-adapter.md: "computed once per edit before denoising"): the mask (a user
/// mask, or the MaskPredictor's from the packed source latent), the Condition Encoder's c and every adapted block's SpatialGate
/// g. Neither depends on the timestep, so the denoising graph takes them as inputs (<see cref="RegionAdapterMode.Precomputed"/>)
/// and runs only the block adapters. The same ops as the in-graph modes, so the values are identical on one backend.
/// Inputs: as <see cref="RegionAdapterHook"/> (<c>region_adapter.text</c>, <c>region_adapter.positions</c>, and
/// <c>region_adapter.mask</c> or <c>region_adapter.source_latent</c>).
/// </summary>
public static class RegionAdapterPrelude
{
    /// <summary>Outputs: c [B, N_c, D], gates [B, L, n_adapted] (in <see cref="RegionAdapterConfig.AdaptedBlocks"/> order), mask [B, 1, Hl, Wl].</summary>
    public sealed record Result(Node Condition, Node Gates, Node Mask);

    /// <summary>Name of the optional text key-bias input [B, 1, 1, N_txt] f32 (−∞ on padded text tokens; declared when Build gets textMask).</summary>
    public const string TextBiasInput = "region_adapter.text_bias";

    /// <summary>
    /// Builds the prelude for <paramref name="mode"/> (<see cref="RegionAdapterMode.UserMask"/> or <see cref="RegionAdapterMode.PredictedMask"/>).
    /// <paramref name="textMask"/> declares <see cref="TextBiasInput"/> so padded text tokens are left out of the Perceiver.
    /// </summary>
    /// <exception cref="ArgumentException">Another mode, a config with no adapted block, or non-positive sizes.</exception>
    /// <exception cref="Engine.IO.WeightLoadException">A missing or mis-shaped adapter tensor.</exception>
    public static Result Build(GraphBuilder g, IWeightCatalog weights, RegionAdapterConfig config, int batch, int latentHeight, int latentWidth,
        int textTokens, RegionAdapterMode mode, DType dtype, bool textMask = false)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(config);
        if (mode is not (RegionAdapterMode.UserMask or RegionAdapterMode.PredictedMask))
        {
            throw new ArgumentException($"the prelude computes a user or predicted mask, not mode {mode}", nameof(mode));
        }
        if (config.AdaptedBlocks.Count == 0)
        {
            throw new ArgumentException("the adapter config lists no adapted block", nameof(config));
        }
        if (batch < 1 || latentHeight < 1 || latentWidth < 1 || textTokens < 1)
        {
            throw new ArgumentException($"batch {batch}, latent grid {latentHeight}×{latentWidth} and text tokens {textTokens} must be positive", nameof(batch));
        }
        var root = new WeightScope(g, weights).Push(RegionAdapterWeights.Prefix);
        int l = latentHeight * latentWidth;
        var text = g.Input(RegionAdapterHook.TextInput, dtype, new(batch, textTokens, config.TextFeatures));                         // [B, N_txt, L_h·T_d]
        var positions = Cast(g, g.Input(RegionAdapterHook.PositionsInput, DType.F32, new(config.ConditionTokens, config.HiddenSize)), dtype); // [N_c, D]
        var textBias = textMask ? Cast(g, g.Input(TextBiasInput, DType.F32, new(batch, 1, 1, textTokens)), dtype) : null;            // [B, 1, 1, N_txt]
        var instruction = ConditionEncoder.Instruction(root, config, text, textBias);                                                 // [B, N_q, D]
        Node mask;
        if (mode == RegionAdapterMode.UserMask)
        {
            mask = Cast(g, g.Input(RegionAdapterHook.MaskInput, DType.F32, new(batch, 1, latentHeight, latentWidth)), dtype);       // [B, 1, Hl, Wl]
        }
        else
        {
            var latent = g.Input(RegionAdapterHook.LatentInput, dtype, new(batch, l, config.LatentChannels));                        // [B, L, C_lat]
            mask = MaskPredictor.Build(root, config, instruction, latent, latentHeight, latentWidth).Mask;                           // [B, 1, Hl, Wl]
        }
        var condition = ConditionEncoder.Encode(root, config, mask, instruction, positions).Condition;                                // [B, N_c, D]
        var maskTokens = g.Reshape(mask, new(batch, l, 1), "region_adapter.mask_tokens");                                           // [B, L, 1]
        var gates = config.AdaptedBlocks.Select(block => BlockAdapter.Gate(root, config, block, maskTokens)).ToArray();              // n × [B, L, 1]
        var stacked = gates.Length == 1 ? gates[0] : g.Concat(gates, 2, "region_adapter.gates");                                     // [B, L, n]
        return new Result(condition, stacked, mask);
    }

    private static Node Cast(GraphBuilder g, Node x, DType dtype) => x.DType == dtype ? x : g.Convert(x, dtype, x.Name + ".cast");
}
