using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// Output of <see cref="AttentionMaskBuilder.Build"/>: <paramref name="Mask"/> [gh, gw] f32 (1 = edit), the instruction
/// score map <paramref name="Score"/> [gh, gw] f32 (mean over the instruction tokens of the text-restricted map), the
/// k-means <paramref name="Labels"/> per clustered point (pooled grid when the target map was pooled), the
/// <paramref name="Focal"/> token indices (largest score first) and the <paramref name="SelectedClusters"/>.
/// </summary>
public sealed record AttentionMaskResult(HostTensor Mask, HostTensor Score, int[] Labels, int[] Focal, int[] SelectedClusters);
