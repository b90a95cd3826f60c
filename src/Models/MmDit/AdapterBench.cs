using System.Diagnostics;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;

namespace Locus.Models.MmDit;

/// <summary>
/// The region adapter's cost (issue #7 item 5) in one run: the backbone step of <see cref="ModelBench"/>, the same step with
/// the adapter in <see cref="RegionAdapterMode.Precomputed"/> mode on the adapted blocks (the step-graph part: cross-attention
/// to c and the FFN on the target rows, gated), interleaved repetition by repetition so machine load hits both alike, and the
/// once-per-edit prelude (Condition Encoder + gates; with a user mask and with the MaskPredictor) as a share of one backbone
/// step. Targets (region-adapter.md, paper scale on a GPU): adapter ≤ 15% of a step at 1024², predicted mask ≤ 2% of a step.
/// </summary>
public static class AdapterBench
{
    /// <summary>
    /// The adapter config for the backbone of <paramref name="setup"/>: D = heads × head dim, FFN 2·D, gate and predictor width
    /// min(256, D), text width = the backbone's joint_attention_dim, latent channels = in_channels, and the first
    /// <paramref name="adaptedBlocks"/> blocks adapted (Flux: double blocks, then single blocks numbered after them; null = all).
    /// The spec's other sizes keep their defaults (N_q = 64, 16×16 mask grid, 2 fusion layers).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown architecture, or <paramref name="adaptedBlocks"/> outside [1, blocks].</exception>
    public static RegionAdapterConfig Config(ModelBenchSetup setup, int? adaptedBlocks = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        int heads, headDim, textDim, latent, blocks;
        switch (setup.Arch)
        {
            case "flux-kontext-dev":
                var f = ModelBench.FluxConfig(setup);
                (heads, headDim, textDim, latent, blocks) = (f.NumAttentionHeads, f.AttentionHeadDim, f.JointAttentionDim, f.InChannels, f.NumLayers + f.NumSingleLayers);
                break;
            case "qwen-image-edit":
                var q = ModelBench.QwenConfig(setup);
                (heads, headDim, textDim, latent, blocks) = (q.NumAttentionHeads, q.AttentionHeadDim, q.JointAttentionDim, q.InChannels, q.NumLayers);
                break;
            default:
                throw new ArgumentException($"unknown architecture '{setup.Arch}' (flux-kontext-dev or qwen-image-edit)", nameof(setup));
        }
        int n = adaptedBlocks ?? blocks;
        if (n < 1 || n > blocks)
        {
            throw new ArgumentException($"adapted blocks {n} must be in [1, {blocks}] (the {setup.Arch} setup has {blocks} blocks)");
        }
        int d = heads * headDim;
        var config = new RegionAdapterConfig
        {
            HiddenSize = d, Heads = heads, HeadDim = headDim, FfnDim = 2 * d, GateDim = Math.Min(256, d), PredictorDim = Math.Min(256, d),
            TextDim = textDim, LatentChannels = latent, AdaptedBlocks = Enumerable.Range(0, n).ToArray(),
        };
        config.Validate("adapter benchmark");
        return config;
    }

    /// <summary>
    /// Runs the benchmark, prints a summary to <paramref name="output"/> and returns the figures. The step lines are printed
    /// before the preludes run; a prelude the backend cannot run prints a FAILED line and its figure is NaN.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid setup, step count or adapted-block count.</exception>
    public static AdapterBenchResult Run(ModelBenchSetup setup, IBackend backend, DType dtype, int steps, TextWriter output, int? adaptedBlocks = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(output);
        if (steps < 1 || setup.Grid < 1 || setup.Blocks is < 1 || setup.Heads is < 1 || setup.HeadDim < 6 || setup.HeadDim % 2 != 0)
        {
            throw new ArgumentException($"invalid benchmark setup {setup} / steps {steps}", nameof(setup));
        }
        var clock = Stopwatch.StartNew();
        using var s = AdapterBenchSession.Create(setup, backend, dtype, adaptedBlocks);
        double bindSeconds = clock.Elapsed.TotalSeconds;
        s.RunStep(s.Backbone);                                                  // warm-up (kernel compilation, caches)
        s.RunStep(s.Adapted);
        var backbone = new double[steps];
        var adapted = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            // Alternate the order so a drift in machine load does not favour one of the two.
            if (i % 2 == 0)
            {
                backbone[i] = Time(() => s.RunStep(s.Backbone));
                adapted[i] = Time(() => s.RunStep(s.Adapted));
            }
            else
            {
                adapted[i] = Time(() => s.RunStep(s.Adapted));
                backbone[i] = Time(() => s.RunStep(s.Backbone));
            }
        }
        PrintSteps(s, backend, dtype, steps, bindSeconds, backbone, adapted, output);
        // The steps are printed first: a prelude the backend cannot run is reported (NaN) and does not hide them.
        double user = TimePrelude(s, s.UserPrelude, "user mask", steps, backbone.Average(), s.UserPreludeError, output);
        double predicted = TimePrelude(s, s.PredictedPrelude, "predicted mask", steps, backbone.Average(), s.PredictedPreludeError, output);
        return new AdapterBenchResult(backbone.Average(), adapted.Average(), user, predicted, backbone.Min(), adapted.Min());
    }

    /// <summary>Mean seconds of <paramref name="steps"/> prelude runs (after one warm-up), or NaN with the reason printed.</summary>
    private static double TimePrelude(AdapterBenchSession s, Engine.Graph.Executor? prelude, string what, int steps, double backboneSeconds, string? knownError,
        TextWriter output)
    {
        string target = what == "predicted mask" ? "; target ≤ 2%" : "";
        string label = $"prelude, {what}".PadRight(23);
        if (knownError is null && prelude is not null)
        {
            try
            {
                s.RunPrelude(prelude);                                              // warm-up
                double total = 0;
                for (int i = 0; i < steps; i++)
                {
                    total += Time(() => s.RunPrelude(prelude));
                }
                double mean = total / steps;
                output.WriteLine($"{label} {mean:F4} s = {mean / backboneSeconds * 100:F2}% of a backbone step (once per edit{target})");
                return mean;
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                knownError = e.Message;
            }
        }
        output.WriteLine($"{label} FAILED: {(knownError ?? "not built").ReplaceLineEndings(" ")}");
        return double.NaN;
    }

    private static double Time(Action run)
    {
        long t0 = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static void PrintSteps(AdapterBenchSession s, IBackend backend, DType dtype, int steps, double bindSeconds, double[] backbone, double[] adapted,
        TextWriter output)
    {
        var c = s.Config;
        var seq = s.Sequence;
        int blocks = Config(s.Setup).AdaptedBlocks.Count;
        string grag = s.Setup.Grag is null ? "" : $", GRAG ({s.Setup.GragScale.Lambda}, {s.Setup.GragScale.Delta}) {(s.Setup.Grag.TargetRowsOnly ? "target rows" : "all rows")} in both steps";
        output.WriteLine($"{s.Setup.Arch} on {backend.Name} ({dtype}{grag}): backbone {s.Weights.BackboneParameterCount / 1e9:F3} B params + adapter "
            + $"{s.Weights.AdapterParameterCount / 1e9:F3} B ({c.AdaptedBlocks.Count} of {blocks} blocks adapted; D {c.HiddenSize}, FFN {c.FfnDim}, N_c {c.ConditionTokens}), "
            + $"tokens text {seq.TextTokens} + target {seq.TargetTokens} + ref {seq.ReferenceTokens}");
        output.WriteLine($"nodes backbone {s.Backbone.Graph.Nodes.Count}, adapted {s.Adapted.Graph.Nodes.Count}; arena backbone {s.Backbone.Plan.ArenaBytes / 1048576.0:F0} MiB, "
            + $"adapted {s.Adapted.Plan.ArenaBytes / 1048576.0:F0} MiB; build+bind {bindSeconds:F2} s; {steps} interleaved repetition(s) each");
        double b = backbone.Average(), a = adapted.Average(), bBest = backbone.Min(), aBest = adapted.Min();
        output.WriteLine($"backbone step {b:F4} s (best {bBest:F4})");
        output.WriteLine($"adapted step  {a:F4} s (best {aBest:F4}): adapter overhead {((a / b) - 1) * 100:+0.0;-0.0}% "
            + $"(best {((aBest / bBest) - 1) * 100:+0.0;-0.0}%) of a step (target ≤ 15% at 1024² on a GPU)"
            + (s.UserPreludeError is null ? "" : " [c and gates are stand-ins: the user-mask prelude failed]"));
    }
}
