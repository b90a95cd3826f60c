using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>The adapter's per-edit values: c [1, N_c, D] and gates [1, L, n] in the activation dtype, and the mask [gh, gw] f32.</summary>
    private sealed record AdapterValues(HostTensor Condition, HostTensor Gates, HostTensor Mask);

    /// <summary>
    /// Runs <see cref="RegionAdapterPrelude"/> once: with <paramref name="tokenMask"/> (a user mask [gh, gw]) or, when it is null,
    /// the MaskPredictor on the packed source latent x0 [1, gh·gw, 4C].
    /// </summary>
    private AdapterValues RunAdapterPrelude(PromptEmbeddings embeds, HostTensor? tokenMask, HostTensor x0, int gh, int gw, CancellationToken ct)
    {
        var config = AdapterConfig!;
        var mode = tokenMask is null ? RegionAdapterMode.PredictedMask : RegionAdapterMode.UserMask;
        var g = new GraphBuilder();
        bool padded = EditBackbone.HasPadding(embeds);
        var r = RegionAdapterPrelude.Build(g, new WeightStoreCatalog(_adapterStore!), config, 1, gh, gw, embeds.TextTokens, mode, DType, padded);
        using var executor = new Executor(g.Build(r.Condition, r.Gates, r.Mask), _backend, _adapterStore!);
        executor.SetInput(RegionAdapterHook.TextInput, As(embeds.Embeds));
        if (padded)
        {
            // −∞ on padded text keys of the Perceiver (as the Qwen transformer masks them).
            var keep = embeds.Mask!.ToFloatArray();
            executor.SetInput(RegionAdapterPrelude.TextBiasInput, HostTensor.FromFloats(new Shape(1, 1, 1, keep.Length),
                keep.Select(v => v >= 0.5f ? 0f : float.NegativeInfinity).ToArray()));
        }
        executor.SetInput(RegionAdapterHook.PositionsInput, HostTensor.FromFloats(new Shape(config.ConditionTokens, config.HiddenSize),
            ConditionEncoder.SinusoidalTable(config.ConditionTokens, config.HiddenSize)));
        if (tokenMask is not null)
        {
            executor.SetInput(RegionAdapterHook.MaskInput, HostTensor.FromFloats(new Shape(1, 1, gh, gw), tokenMask.ToFloatArray()));
        }
        else
        {
            executor.SetInput(RegionAdapterHook.LatentInput, As(x0));
        }
        executor.Run(null, ct);
        var mask = executor.Read(r.Mask);
        var grid = HostTensor.FromFloats(new Shape(gh, gw), (mask.DType == DType.F32 ? mask : mask.ConvertTo(DType.F32)).ToFloatArray());
        return new AdapterValues(executor.Read(r.Condition), executor.Read(r.Gates), grid);
    }

    private HostTensor As(HostTensor t) => t.DType == DType ? t : t.ConvertTo(DType);
}
