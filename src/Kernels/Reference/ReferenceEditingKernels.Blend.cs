using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Reference;

public static partial class ReferenceEditingKernels
{
    // x ← m·x + (1 − m)·(σ·ε + (1 − σ)·x0), evaluated in double and rounded once.
    // x, x0, ε: [B, N, C]; m: [B, N, 1]; σ: [1] → out [B, N, C].
    private static void FlowBlend(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var x0 = HostMemory.ReadFloats(sources[1]);
        var eps = HostMemory.ReadFloats(sources[2]);
        var m = HostMemory.ReadFloats(sources[3]);
        double sigma = HostMemory.ReadFloats(sources[4])[0];
        int channels = output.Shape[-1];
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double mi = m[i / channels];
            double source = sigma * eps[i] + (1 - sigma) * x0[i];
            y[i] = (float)(mi * x[i] + (1 - mi) * source);
        }
        HostMemory.WriteFloats(output, y);
    }

    // points [N, D] → labels [N] I32, aux centroids [K, D] F32 (see KMeansReference).
    private static void KMeans(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<KMeansParams>();
        var points = HostMemory.ReadFloats(sources[0]);
        int n = sources[0].Shape[0], d = sources[0].Shape[1];
        EditingChecks.RequireFinite(node, points, d);
        var (labels, centroids) = KMeansReference.Run(points, n, d, p.ClusterCount, p.Iterations, p.Seed);
        labels.CopyTo(HostMemory.Dense<int>(output));
        if (aux is { } c)
        {
            HostMemory.WriteFloats(c, centroids);
        }
    }
}
