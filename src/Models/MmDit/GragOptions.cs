using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Group Relative Attention Guidance (arXiv 2510.24657; official code little-misfit/GRAG-Image-Editing
/// d0ab2e99, Qwen-Edit-GRAG/hacked_models/models.py). In every selected joint attention, after QK-norm and RoPE,
/// the keys of the reference-image group are re-centred: k' = λ·μ + δ·(k − μ), μ the per (batch, head, channel)
/// mean over the group. The optional text group does the same over all text keys. (λ, δ) live in the graph input
/// <see cref="ScalesInput"/> [groups, 2] (reference first, then text), so one planned graph serves every value.
/// </summary>
public sealed record GragOptions
{
    /// <summary>Name of the scales graph input.</summary>
    public const string ScalesInput = "grag_scales";

    /// <summary>false (official): every query row sees the modified keys. true: only target rows do (exact logit form).</summary>
    public bool TargetRowsOnly { get; init; }

    /// <summary>Adds the text key group (second row of the scales; identity (1, 1) reproduces no text group).</summary>
    public bool TextGroup { get; init; }

    /// <summary>Blocks to apply to, by global index (Flux: double blocks 0..L−1 then single blocks L..L+S−1); null = all.</summary>
    public IReadOnlySet<int>? Layers { get; init; }

    /// <summary>Rows of the scales input.</summary>
    public int GroupCount => TextGroup ? 2 : 1;

    /// <summary>The scales tensor [groups, 2] = [(λ, δ) reference, (λ, δ) text].</summary>
    public HostTensor Scales(float lambda, float delta, float textLambda = 1f, float textDelta = 1f) =>
        HostTensor.FromFloats(new Shape(GroupCount, 2), TextGroup ? [lambda, delta, textLambda, textDelta] : [lambda, delta]);

    /// <summary>Attention key groups for block <paramref name="layer"/>, or null when GRAG is off there or there are no reference tokens.</summary>
    internal GragGroup[]? Groups(int layer, SequenceLayout seq)
    {
        if (Layers is not null && !Layers.Contains(layer) || seq.ReferenceTokens == 0)
        {
            return null;
        }
        int rowStart = TargetRowsOnly ? seq.TextTokens : 0;
        int rowEnd = TargetRowsOnly ? seq.TextTokens + seq.TargetTokens : -1;
        var reference = new GragGroup(seq.TextTokens + seq.TargetTokens, seq.Total, rowStart, rowEnd);
        return TextGroup ? [reference, new GragGroup(0, seq.TextTokens, rowStart, rowEnd)] : [reference];
    }
}
