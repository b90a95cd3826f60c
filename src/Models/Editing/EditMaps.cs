using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// Attention maps captured during an edit's first <paramref name="Steps"/> steps, averaged over calls and steps (f32):
/// <paramref name="TextOnly"/> the text-restricted target × text map [N_tgt, N_txt], <paramref name="TargetTarget"/> the
/// target × target map [N_tgt, N_tgt] or 2×2-pooled, on a <paramref name="GridHeight"/> × <paramref name="GridWidth"/> token
/// grid; <paramref name="Mask"/> the attention-derived mask's details when that was the mask source.
/// </summary>
public sealed record EditMaps(HostTensor TextOnly, HostTensor TargetTarget, int GridHeight, int GridWidth, int Steps, AttentionMaskResult? Mask)
{
    /// <summary>Heat map [gh, gw] of text token <paramref name="token"/>.</summary>
    /// <exception cref="ArgumentException">The token is outside the text.</exception>
    public HostTensor TokenMap(int token) => AttentionMaskBuilder.TokenScores(TextOnly, [token], GridHeight, GridWidth);
}
