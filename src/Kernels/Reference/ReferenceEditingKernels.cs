using Locus.Engine.Graph;

namespace Locus.Kernels.Reference;

/// <summary>
/// Reference (oracle) kernels of the Editing family: FlowBlend, KMeans and the mask ops over [..., H, W] maps.
/// Scalar loops, double accumulation, no SIMD, no threads. Inputs are read widened to float and outputs narrowed
/// to the node's dtype, so every float dtype is accepted.
/// </summary>
public static partial class ReferenceEditingKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.FlowBlend, FlowBlend);
        table.Add(OpKind.KMeans, KMeans);
        table.Add(OpKind.AreaDownsample, AreaDownsample);
        table.Add(OpKind.BilinearUpsample, BilinearUpsample);
        table.Add(OpKind.Threshold, Threshold);
        table.Add(OpKind.Dilate, Dilate);
        table.Add(OpKind.Erode, Erode);
        table.Add(OpKind.GaussianBlur3, GaussianBlur3);
        table.Add(OpKind.MinMaxNormalize, MinMaxNormalize);
        table.Add(OpKind.TopK, TopK);
        table.Add(OpKind.LargestComponent, LargestComponent);
    }
}
