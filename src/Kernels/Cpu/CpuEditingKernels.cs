using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu.Editing;

namespace Locus.Kernels.Cpu;

/// <summary>
/// Fast CPU kernels of the Editing family: FlowBlend (Vector256 FMA, threads), KMeans (blocked dot-product distances,
/// threads, shared k-means++ seeding) and the mask ops over [..., H, W] maps (separable / prefix-sum forms, maps in parallel).
/// </summary>
public static partial class CpuEditingKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.FlowBlend, CpuFlowBlend.Run);
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

    // points [N, D] F32 → labels [N] I32, aux centroids [K, D] F32.
    private static void KMeans(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<KMeansParams>();
        var points = HostMemory.ReadFloats(sources[0]);
        int n = sources[0].Shape[0], d = sources[0].Shape[1];
        var r = CpuKMeans.Run(node, points, n, d, p.ClusterCount, p.Iterations, p.Seed);
        r.Labels.CopyTo(HostMemory.Dense<int>(output));
        if (aux is { } c)
        {
            HostMemory.WriteFloats(c, r.Centroids);
        }
    }

    /// <summary>Runs <paramref name="body"/> for each of <paramref name="count"/> items, in parallel when there is enough work.</summary>
    private static void ForEach(int count, long workPerItem, Action<int> body)
    {
        if (count > 1 && count * workPerItem >= 1 << 14)
        {
            Parallel.For(0, count, body);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
        }
    }
}
