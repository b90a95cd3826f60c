using Locus.Engine.Backends;
using Locus.Engine.Graph;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Launchers of editing.cu. KMeans, TopK and LargestComponent run on the host (device → host → device through the CPU
/// backend's kernel): they act on small maps (≤ a few thousand tokens) once per edit, where a GPU kernel is not worth it.
/// </summary>
internal static class EditingOps
{
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        // x, x0, ε [B, N, C], m [B, N, 1], σ f32 [1]
        table.Add(OpKind.FlowBlend, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            ctx.Launch("editing", CudaOps.Entry("flow_blend", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(s[3])).Ptr(P(s[4])).Ptr(P(o)).Long(rows).Long(c));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.AreaDownsample, (n, s, o, _) =>
        {
            var p = n.ParamsAs<AreaDownsampleParams>();
            var (m, h, w) = Map(s[0]);
            ctx.Launch("editing", CudaOps.Entry("area_downsample", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(m).Long(h).Long(w).Int(p.FactorY).Int(p.FactorX));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.BilinearUpsample, (n, s, o, _) =>
        {
            var (m, h, w) = Map(s[0]);
            ctx.Launch("editing", CudaOps.Entry("bilinear", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(m).Long(h).Long(w).Long(o.Shape[-2]).Long(o.Shape[-1]));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.Threshold, (n, s, o, _) =>
            ctx.Launch("editing", CudaOps.Entry("threshold", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(CudaOps.Count(o)).Float(n.ParamsAs<ThresholdParams>().Value)), CudaOps.FloatActivations);
        table.Add(OpKind.Dilate, (n, s, o, _) => Morphology(ctx, n, s[0], o, erode: false), CudaOps.FloatActivations);
        table.Add(OpKind.Erode, (n, s, o, _) => Morphology(ctx, n, s[0], o, erode: true), CudaOps.FloatActivations);
        table.Add(OpKind.GaussianBlur3, (n, s, o, _) =>
        {
            var (m, h, w) = Map(s[0]);
            ctx.Launch("editing", CudaOps.Entry("gaussian_blur3", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(m).Long(h).Long(w));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.MinMaxNormalize, (n, s, o, _) =>
        {
            var (m, h, w) = Map(s[0]);
            ctx.Launch("editing", CudaOps.Entry("minmax_normalize", o.DType), LaunchConfig.Rows(m, 256), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(m).Long(h * w));
        }, CudaOps.FloatActivations);
        foreach (var op in new[] { OpKind.KMeans, OpKind.TopK, OpKind.LargestComponent })
        {
            table.Add(op, (n, s, o, a) => HostOps.Run(ctx, n, s, o, a), HostOps.Check);
        }
    }

    private static void Morphology(CudaKernelContext ctx, Node n, BoundTensor x, BoundTensor o, bool erode)
    {
        var p = n.ParamsAs<MorphologyParams>();
        var (m, h, w) = Map(x);
        ctx.Launch("editing", CudaOps.Entry("morphology", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
            .Ptr(P(x)).Ptr(P(o)).Long(m).Long(h).Long(w).Int(p.Radius).Int(p.Elliptical ? 1 : 0).Int(erode ? 1 : 0));
    }

    // [..., H, W] → (maps, H, W)
    private static (long M, long H, long W) Map(BoundTensor x)
    {
        long h = x.Shape[-2], w = x.Shape[-1];
        return (CudaOps.Count(x) / Math.Max(h * w, 1), h, w);
    }

    private static ulong P(BoundTensor t) => CudaKernelContext.Pointer(t);
}
