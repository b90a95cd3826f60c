using Locus.Engine.Graph;

namespace Locus.Models.MmDit;

/// <summary>
/// Capture nodes of one built transformer graph. Means are (1/<paramref name="CallCount"/>)·Σ_calls w·P with w the
/// <see cref="AttentionCapture.WeightInput"/> value: <paramref name="JointText"/> and <paramref name="TextOnly"/> f32
/// [B, N_tgt, N_txt], <paramref name="TargetTarget"/> f32 [B, N_tgt, N_tgt] or pooled [B, N_tgt/4, N_tgt/4]; null when not
/// selected. <paramref name="Blocks"/> is empty unless <see cref="AttentionCaptureOptions.PerBlock"/>.
/// </summary>
public sealed record AttentionCaptureMaps(Node? JointText, Node? TextOnly, Node? TargetTarget, IReadOnlyList<AttentionCaptureBlock> Blocks, int CallCount)
{
    /// <summary>Every capture node (means, then per-block maps and LSEs) to pass to <c>GraphBuilder.Build(sample, ...)</c> so they are kept and readable.</summary>
    public IReadOnlyList<Node> Outputs
    {
        get
        {
            var list = new List<Node>();
            void Add(Node? n)
            {
                if (n is not null && !list.Contains(n))
                {
                    list.Add(n);
                }
            }
            Add(JointText);
            Add(TextOnly);
            Add(TargetTarget);
            foreach (var b in Blocks)
            {
                Add(b.JointText);
                Add(b.TextOnly);
                Add(b.TargetTarget);
                Add(b.Lse);
            }
            return list;
        }
    }
}
