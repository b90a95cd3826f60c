using Locus.Engine.Backends;
using Locus.Engine.Graph;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Launchers of norm.cu: LayerNorm, RmsNorm, Softmax (one block per row) and GroupNorm (stats + apply).</summary>
internal static class NormOps
{
    private const int Block = 256;

    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        // x [rows, C] → [rows, C]; w, b [C] widened to f32
        table.Add(OpKind.LayerNorm, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            bool affine = s.Length == 3;
            ulong w = affine ? CudaOps.AsF32(ctx, s[1], CudaOps.SlotWeight) : 0;
            ulong b = affine ? CudaOps.AsF32(ctx, s[2], CudaOps.SlotBias) : 0;
            ctx.Launch("norm", CudaOps.Entry("layer_norm", o.DType), LaunchConfig.Rows(rows, Block), new KernelArguments()
                .Ptr(P(s[0])).Ptr(w).Ptr(b).Ptr(P(o)).Long(rows).Int(c).Float(n.ParamsAs<LayerNormParams>().Epsilon).Int(affine ? 1 : 0));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.RmsNorm, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            ulong w = CudaOps.AsF32(ctx, s[1], CudaOps.SlotWeight);
            ctx.Launch("norm", CudaOps.Entry("rms_norm", o.DType), LaunchConfig.Rows(rows, Block), new KernelArguments()
                .Ptr(P(s[0])).Ptr(w).Ptr(P(o)).Long(rows).Int(c).Float(n.ParamsAs<RmsNormParams>().Epsilon));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.Softmax, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            ctx.Launch("norm", CudaOps.Entry("softmax", o.DType), LaunchConfig.Rows(rows, Block), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long(rows).Int(c));
        }, CudaOps.FloatActivations);
        // x [B, C, H, W]; stats per (b, g) into scratch, then apply with w, b [C]
        table.Add(OpKind.GroupNorm, (n, s, o, _) =>
        {
            var p = n.ParamsAs<GroupNormParams>();
            var sh = o.Shape;
            long hw = (long)sh[2] * sh[3];
            long groups = (long)sh[0] * p.GroupCount;
            long count = sh[1] / p.GroupCount * hw;
            ulong w = CudaOps.AsF32(ctx, s[1], CudaOps.SlotWeight);
            ulong b = CudaOps.AsF32(ctx, s[2], CudaOps.SlotBias);
            ulong stats = ctx.Scratch(CudaOps.SlotStats, groups * 8);
            ctx.Launch("norm", CudaOps.Entry("group_norm_stats", o.DType), LaunchConfig.Rows(groups, 512), new KernelArguments()
                .Ptr(P(s[0])).Ptr(stats).Long(groups).Long(count).Float(p.Epsilon));
            ctx.Launch("norm", CudaOps.Entry("group_norm_apply", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(stats).Ptr(w).Ptr(b).Ptr(P(o)).Long(sh[0]).Long(sh[1]).Long(hw).Long(p.GroupCount));
        }, CudaOps.FloatActivations);
    }

    private static ulong P(BoundTensor t) => CudaKernelContext.Pointer(t);
}
