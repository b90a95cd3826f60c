using System.Globalization;
using Locus.Models.Adapters;
using Locus.Models.MmDit;

namespace Locus.Models.Editing;

/// <summary>What a step graph depends on besides the weights: token layout, text mask, GRAG layers, adapter grid, capture and region bias.</summary>
internal sealed record StepGraphSpec(SequenceLayout Sequence, bool TextMask, GragSettings? Grag, RegionAdapterBinding? Adapter,
    AttentionCaptureOptions? Capture, RegionBiasOptions? RegionBias)
{
    /// <summary>Cache key: equal keys give identical graphs.</summary>
    public string Key
    {
        get
        {
            static string List(IEnumerable<int>? values) => values is null ? "all" : string.Join(",", values.Order());
            string grag = Grag is null ? "-" : List(Grag.Layers);
            string adapter = Adapter is null ? "-" : $"{Adapter.LatentHeight}x{Adapter.LatentWidth}";
            string capture = Capture is null ? "-"
                : $"{List(Capture.Layers)}/{Capture.JointText}{Capture.TextOnly}{Capture.TargetTarget}/{Capture.PoolTargetTarget}/{Capture.GridHeight}x{Capture.GridWidth}";
            // The region-bias token columns are a graph input; only the bias value is baked into the graph.
            string bias = RegionBias is null ? "-" : RegionBias.Bias.ToString(CultureInfo.InvariantCulture);
            return $"{Sequence}|{TextMask}|{grag}|{adapter}|{capture}|{bias}";
        }
    }
}

/// <summary>A planned step graph and its capture collector (null without capture).</summary>
internal sealed record StepGraph(TransformerSession Session, AttentionCapture? Capture) : IDisposable
{
    public void Dispose() => Session.Dispose();
}
