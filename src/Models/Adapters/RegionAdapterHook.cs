using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.MmDit;

namespace Locus.Models.Adapters;

/// <summary>
/// The adapter inside a backbone graph: declares its inputs, builds the Condition Encoder (and the MaskPredictor in
/// <see cref="RegionAdapterMode.PredictedMask"/>) once, and applies the Block Adapter to the target rows of the image
/// stream of each adapted block (<see cref="Apply"/>); reference rows pass through untouched (source-token protection).
/// Inputs: <c>region_adapter.text</c> [B, N_txt, L_h·T_d], <c>region_adapter.positions</c> [N_c, D] f32
/// (<see cref="ConditionEncoder.SinusoidalTable"/>), and <c>region_adapter.mask</c> [B, 1, Hl, Wl] f32 (user mask) or
/// <c>region_adapter.source_latent</c> [B, Hl·Wl, C_lat] (predicted mask). Hl·Wl must equal the target token count.
/// In <see cref="RegionAdapterMode.Precomputed"/> the per-edit values are inputs instead (<see cref="ConditionInput"/>,
/// <see cref="GatesInput"/>, from <see cref="RegionAdapterPrelude"/>) and the step graph holds only the block adapters.
/// </summary>
public sealed class RegionAdapterHook
{
    /// <summary>Input names.</summary>
    public const string TextInput = "region_adapter.text", PositionsInput = "region_adapter.positions",
        MaskInput = "region_adapter.mask", LatentInput = "region_adapter.source_latent",
        ConditionInput = "region_adapter.condition", GatesInput = "region_adapter.gates";

    private readonly WeightScope _root;
    private readonly Node _condition;
    private readonly Node? _maskTokens;
    private readonly Node? _gates;
    private readonly int _targetTokens;
    private readonly HashSet<int> _blocks;

    /// <summary>Declares the inputs and the per-edit modules in <paramref name="g"/>.</summary>
    /// <exception cref="ArgumentException">Mode off, or Hl·Wl differs from the target tokens, or sizes disagree.</exception>
    /// <exception cref="Engine.IO.WeightLoadException">A missing or mis-shaped adapter tensor.</exception>
    public RegionAdapterHook(GraphBuilder g, IWeightCatalog weights, RegionAdapterConfig config, SequenceLayout seq,
        int latentHeight, int latentWidth, int textTokens, RegionAdapterMode mode, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(seq);
        if (mode == RegionAdapterMode.Off)
        {
            throw new ArgumentException("mode Off builds no adapter: pass no hook to the backbone", nameof(mode));
        }
        if (latentHeight * latentWidth != seq.TargetTokens)
        {
            throw new ArgumentException($"latent grid {latentHeight}×{latentWidth} must hold the {seq.TargetTokens} target tokens", nameof(latentHeight));
        }
        Config = config;
        Mode = mode;
        _targetTokens = seq.TargetTokens;
        _blocks = [.. config.AdaptedBlocks];
        _root = new WeightScope(g, weights).Push(RegionAdapterWeights.Prefix);
        int b = seq.Batch;
        if (mode == RegionAdapterMode.Precomputed)
        {
            _condition = g.Input(ConditionInput, dtype, new(b, config.ConditionTokens, config.HiddenSize));                  // [B, N_c, D]
            _gates = g.Input(GatesInput, dtype, new(b, seq.TargetTokens, config.AdaptedBlocks.Count));                       // [B, L, n]
            return;
        }
        var text = g.Input(TextInput, dtype, new(b, textTokens, config.TextFeatures));                     // [B, N_txt, L_h·T_d]
        var positions = Cast(g, g.Input(PositionsInput, DType.F32, new(config.ConditionTokens, config.HiddenSize)), dtype); // [N_c, D]
        Node mask;
        if (mode == RegionAdapterMode.UserMask)
        {
            mask = Cast(g, g.Input(MaskInput, DType.F32, new(b, 1, latentHeight, latentWidth)), dtype);   // [B, 1, Hl, Wl]
            var enc = ConditionEncoder.Build(_root, config, mask, text, positions);
            _condition = enc.Condition;
        }
        else
        {
            // The predictor needs c_inst, which does not depend on the mask: encode once with the predicted mask.
            var latent = g.Input(LatentInput, dtype, new(b, seq.TargetTokens, config.LatentChannels));  // [B, L, C_lat]
            var instruction = ConditionEncoder.Instruction(_root, config, text);                       // [B, N_q, D]
            mask = MaskPredictor.Build(_root, config, instruction, latent, latentHeight, latentWidth).Mask; // [B, 1, Hl, Wl] binary
            _condition = ConditionEncoder.Encode(_root, config, mask, instruction, positions).Condition;
        }
        PredictedMask = mode == RegionAdapterMode.PredictedMask ? mask : null;
        _maskTokens = g.Reshape(mask, new(b, seq.TargetTokens, 1), "region_adapter.mask_tokens");    // M̄ [B, L, 1]
    }

    /// <summary>The config.</summary>
    public RegionAdapterConfig Config { get; }

    /// <summary>The mask source.</summary>
    public RegionAdapterMode Mode { get; }

    /// <summary>The MaskPredictor's binary mask [B, 1, Hl, Wl] (predicted mode), else null.</summary>
    public Node? PredictedMask { get; }

    /// <summary>True when backbone block <paramref name="block"/> carries an adapter.</summary>
    public bool Adapts(int block) => _blocks.Contains(block);

    /// <summary>
    /// Image stream hs [B, Nimg, D] (target rows then reference rows) → [B, Nimg, D] with the target rows adapted
    /// (h0 + g ⊙ FFN(u)) and the reference rows copied; unchanged when the block is not adapted.
    /// </summary>
    public Node Apply(int block, Node hs)
    {
        ArgumentNullException.ThrowIfNull(hs);
        if (!Adapts(block))
        {
            return hs;
        }
        var g = _root.Graph;
        int n = hs.Shape[1];
        var target = n == _targetTokens ? hs : g.Slice(hs, 1, 0, _targetTokens, _root.Name($"blocks.{block}.target")); // [B, L, D]
        var gate = _gates is null
            ? BlockAdapter.Gate(_root, Config, block, _maskTokens!)                                                    // [B, L, 1]
            : g.Slice(_gates, 2, IndexOf(block), 1, _root.Name($"blocks.{block}.gate.precomputed"));                  // [B, L, 1] view
        var h = BlockAdapter.Apply(_root, Config, block, target, _condition, gate);                                    // [B, L, D]
        if (n == _targetTokens)
        {
            return h;
        }
        var reference = g.Slice(hs, 1, _targetTokens, n - _targetTokens, _root.Name($"blocks.{block}.reference"));    // [B, S, D]
        return g.Concat([h, reference], 1, _root.Name($"blocks.{block}.image"));                                     // [B, Nimg, D]
    }

    private int IndexOf(int block)
    {
        for (int i = 0; i < Config.AdaptedBlocks.Count; i++)
        {
            if (Config.AdaptedBlocks[i] == block)
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(block), block, "the block is not adapted");
    }

    private static Node Cast(GraphBuilder g, Node x, DType dtype) => x.DType == dtype ? x : g.Convert(x, dtype, x.Name + ".cast");
}
