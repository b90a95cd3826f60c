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
            var (root, config) = RowKernel("layer_norm", o, rows, c, P(s[0]), P(o), w, b);
            ctx.Launch("norm", CudaOps.Entry(root, o.DType), config, new KernelArguments()
                .Ptr(P(s[0])).Ptr(w).Ptr(b).Ptr(P(o)).Long(rows).Int(c).Float(n.ParamsAs<LayerNormParams>().Epsilon).Int(affine ? 1 : 0));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.RmsNorm, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            ulong w = CudaOps.AsF32(ctx, s[1], CudaOps.SlotWeight);
            var (root, config) = RowKernel("rms_norm", o, rows, c, P(s[0]), P(o), w);
            ctx.Launch("norm", CudaOps.Entry(root, o.DType), config, new KernelArguments()
                .Ptr(P(s[0])).Ptr(w).Ptr(P(o)).Long(rows).Int(c).Float(n.ParamsAs<RmsNormParams>().Epsilon));
        }, CudaOps.FloatActivations);
        table.Add(OpKind.Softmax, (n, s, o, _) =>
        {
            int c = o.Shape[-1];
            long rows = CudaOps.Count(o) / c;
            var (root, config) = RowKernel("softmax", o, rows, c, P(s[0]), P(o));
            ctx.Launch("norm", CudaOps.Entry(root, o.DType), config, new KernelArguments()
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

    /// <summary>
    /// The row kernel for <paramref name="root"/>: the register-cached vector variant <c>root_vecNV</c> (one 16-byte load
    /// per vector, x read once) when C is a multiple of the vector width, every pointer is 16-byte aligned (null weights
    /// pass as 0) and C fits NV ≤ 4 vectors per thread at ≤ 1024 threads; else the scalar kernel with 256 threads.
    /// </summary>
    internal static (string Root, LaunchConfig Config) RowKernel(string root, BoundTensor output, long rows, int c, params ReadOnlySpan<ulong> pointers)
    {
        int width = 16 / Engine.Tensors.DTypeInfo.SizeInBytes(output.DType);
        if (c % width == 0 && FastPath.Aligned(pointers))
        {
            int vectors = c / width;
            foreach (int nv in (ReadOnlySpan<int>)[1, 2, 4])
            {
                int threads = (vectors + nv - 1) / nv;
                threads = Math.Max(32, (threads + 31) / 32 * 32);
                if (threads <= 1024)
                {
                    return ($"{root}_vec{nv}", LaunchConfig.Rows(rows, threads));
                }
            }
        }
        return (root, LaunchConfig.Rows(rows, Block));
    }
}
