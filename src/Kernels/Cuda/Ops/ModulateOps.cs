using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Launchers of modulate.cu (Modulate, GatedResidual, Rope, UpsampleNearest2x, TimestepEmbedding) and conv.cu (Conv2d).</summary>
internal static class ModulateOps
{
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        // x [B, N, C], scale/shift [B, C] → [B, N, C]
        table.Add(OpKind.Modulate, (n, s, o, _) =>
        {
            var sh = o.Shape;
            long total = CudaOps.Count(o);
            if (VectorOk(o.DType, total, sh[2], P(s[0]), P(s[1]), P(s[2]), P(o)))
            {
                ctx.Launch("modulate", CudaOps.Entry("modulate_fast", o.DType), FastPath.Grid(ctx, total / FastPath.Width(o.DType)), new KernelArguments()
                    .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Int((int)total).Int(sh[1] * sh[2]).Int(sh[2]));
                return;
            }
            ctx.Launch("modulate", CudaOps.Entry("modulate", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Long(sh[0]).Long(sh[1]).Long(sh[2]));
        }, CudaOps.FloatActivations);
        // h0, y [B, N, C], gate [B, C] or [B, N, 1] → [B, N, C]
        table.Add(OpKind.GatedResidual, (n, s, o, _) =>
        {
            var sh = o.Shape;
            int perToken = s[1].Shape.Rank == 3 ? 1 : 0;
            long total = CudaOps.Count(o);
            if (VectorOk(o.DType, total, sh[2], P(s[0]), perToken == 1 ? 0 : P(s[1]), P(s[2]), P(o)))
            {
                ctx.Launch("modulate", CudaOps.Entry("gated_residual_fast", o.DType), FastPath.Grid(ctx, total / FastPath.Width(o.DType)), new KernelArguments()
                    .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Int((int)total).Int(sh[1] * sh[2]).Int(sh[2]).Int(perToken));
                return;
            }
            ctx.Launch("modulate", CudaOps.Entry("gated_residual", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Long(sh[0]).Long(sh[1]).Long(sh[2]).Int(perToken));
        }, CudaOps.FloatActivations);
        // x [B, H, N, D], cos/sin f32 [N, D/2] → [B, H, N, D]
        table.Add(OpKind.Rope, (n, s, o, _) =>
        {
            var sh = o.Shape;
            long pairs = CudaOps.Count(o) / 2;
            long total = CudaOps.Count(o);
            if (VectorOk(o.DType, total, sh[3], P(s[0]), P(s[1]), P(s[2]), P(o)) && s[1].DType == DType.F32 && s[2].DType == DType.F32)
            {
                ctx.Launch("modulate", CudaOps.Entry("rope_fast", o.DType), FastPath.Grid(ctx, total / FastPath.Width(o.DType)), new KernelArguments()
                    .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Int((int)total).Int(sh[2]).Int(sh[3]));
                return;
            }
            ctx.Launch("modulate", CudaOps.Entry("rope", o.DType), LaunchConfig.Linear(pairs), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(s[1])).Ptr(P(s[2])).Ptr(P(o)).Long((long)sh[0] * sh[1]).Long(sh[2]).Long(sh[3]));
        }, CudaOps.FloatActivations);
        // [B, C, H, W] → [B, C, 2H, 2W]
        table.Add(OpKind.UpsampleNearest2x, (n, s, o, _) =>
        {
            var x = s[0].Shape;
            ctx.Launch("modulate", CudaOps.Entry("upsample_nearest2x", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Long((long)x[0] * x[1]).Long(x[2]).Long(x[3]));
        }, CudaOps.FloatActivations);
        // t [B] f32 → [B, Dim] f32
        table.Add(OpKind.TimestepEmbedding, (n, s, o, _) =>
        {
            var p = n.ParamsAs<TimestepEmbeddingParams>();
            int b = s[0].Shape[0];
            ctx.Launch("modulate", "timestep_embedding_f32", LaunchConfig.Linear((long)b * p.Dim / 2), new KernelArguments()
                .Ptr(P(s[0])).Ptr(P(o)).Int(b).Int(p.Dim).Int(p.FlipSinToCos ? 1 : 0).Float(p.DownscaleFreqShift).Float(p.TimeScale).Float(p.MaxPeriod));
        });
        // x [B, Ci, H, W], w [Co, Ci, kh, kw], b [Co]? → [B, Co, Ho, Wo]
        table.Add(OpKind.Conv2d, (n, s, o, _) => ConvOps.Conv2d(ctx, n.ParamsAs<Conv2dParams>(), s, o), CudaOps.FloatActivations);
    }

    private static ulong P(BoundTensor t) => CudaKernelContext.Pointer(t);

    // Vectorised modulate/gated-residual/RoPE: 32-bit indices, inner dim a multiple of the vector width, 16-byte aligned.
    private static bool VectorOk(DType dtype, long total, int inner, params ReadOnlySpan<ulong> pointers) =>
        FastPath.Fits(total) && inner > 0 && inner % FastPath.Width(dtype) == 0 && FastPath.Aligned(pointers);
}
