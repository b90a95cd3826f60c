using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Attention;

namespace Locus.Kernels.Cuda;

public static partial class CudaAttentionKernels
{
    private static void RunCapture(CudaKernelContext ctx, Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], lse [B, H, Nq], weight [1], acc? [B, r, c] → out [B, r, c] f32
        // (r, c = block rows/cols, or a quarter of each with 2×2 pooling)
        var p = node.ParamsAs<AttentionCaptureParams>();
        BoundTensor q = sources[0], k = sources[1];
        int b = q.Shape[0], d = q.Shape[3];
        int rows = p.RowEnd - p.RowStart, cols = p.ColEnd - p.ColStart;
        ulong weight = CudaKernelContext.Pointer(sources[3]);
        ulong acc = sources.Length > 4 ? CudaKernelContext.Pointer(sources[4]) : 0;
        var cp = new FaCaptureParams
        {
            Q = CudaKernelContext.Pointer(q), K = CudaKernelContext.Pointer(k), Lse = CudaKernelContext.Pointer(sources[2]),
            B = b, H = q.Shape[1], Nq = q.Shape[2], Nk = k.Shape[2], Row0 = p.RowStart, Rows = rows, Col0 = p.ColStart, Cols = cols,
            Scale = p.Scale, D = d, IsBf16 = q.DType == DType.BF16 ? 1 : 0,
        };
        if (p.Pool2x2)
        {
            // Unpooled head mean into scratch (weight 1, no accumulator); the pool kernel applies weight and accumulator.
            cp.Out = ctx.Scratch(SlotPool, 4L * b * rows * cols);
        }
        else
        {
            cp.Out = CudaKernelContext.Pointer(output);
            cp.Weight = weight;
            cp.Acc = acc;
        }
        var args = new KernelArguments().AddStruct(cp);
        if (AttentionSelector.UsesFlash(node) && Aligned16(cp.Q, cp.K))
        {
            uint smem = (uint)(2 * 64 * (d + 8) * 2);
            var cfg = new LaunchConfig((uint)((rows + 63) / 64), (uint)((cols + 63) / 64), (uint)b, 128, 1, 1, smem);
            ctx.Launch(AttentionSelector.FlashModule(false, false, false), $"flash_attention_capture_d{d}", cfg, args);
        }
        else
        {
            var cfg = new LaunchConfig((uint)((rows * (long)cols + 255) / 256), (uint)b, 1, 256);
            ctx.Launch(AttentionSelector.GenericModule, "attention_generic_capture", cfg, args);
        }
        if (p.Pool2x2)
        {
            var pp = new PoolParams { Src = cp.Out, Weight = weight, Acc = acc, Out = CudaKernelContext.Pointer(output), B = b, GridHeight = p.GridHeight, GridWidth = p.GridWidth };
            long pooled = (long)rows / 4;
            var cfg = new LaunchConfig((uint)((pooled * pooled + 255) / 256), (uint)b, 1, 256);
            ctx.Launch(AttentionSelector.GenericModule, "attention_pool2x2", cfg, new KernelArguments().AddStruct(pp));
        }
    }
}
