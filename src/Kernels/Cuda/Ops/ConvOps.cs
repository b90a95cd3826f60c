using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Conv2d launcher (conv.cu): im2col tiles into scratch + one cuBLASLt GEMM per tile + a store pass that adds the bias
/// (the direct one-thread-per-output kernel is kept for shapes whose per-image indices would not fit 32 bits).
/// </summary>
internal static class ConvOps
{
    /// <summary>Upper bound of the im2col scratch (bytes); tiles of output pixels are sized to stay under it.</summary>
    public const long ColBytesCap = 128L << 20;

    /// <summary>Output pixels per tile are a multiple of this (keeps every GEMM operand 256-byte aligned).</summary>
    public const int TileQuantum = 128;

    // x [B, Ci, H, W], w [Co, Ci, kh, kw], b [Co]? → out [B, Co, Ho, Wo]
    public static void Conv2d(CudaKernelContext ctx, Conv2dParams p, ReadOnlySpan<BoundTensor> s, BoundTensor o)
    {
        var x = s[0].Shape;
        var w = s[1].Shape;
        ulong wp = CudaOps.AsF32(ctx, s[1], CudaOps.SlotWeight);
        ulong bp = s.Length > 2 ? CudaOps.AsF32(ctx, s[2], CudaOps.SlotBias) : 0;
        var shape = new ConvShape
        {
            B = x[0], Ci = x[1], H = x[2], W = x[3], Co = w[0], KH = w[2], KW = w[3], Ho = o.Shape[2], Wo = o.Shape[3],
            Stride = p.Stride, PadTop = p.PadTop, PadLeft = p.PadLeft, HasBias = s.Length > 2 ? 1 : 0,
        };
        long k = shape.Ci * shape.KH * shape.KW, pixels = shape.Ho * shape.Wo;
        if (!GemmFits(shape, k, pixels))
        {
            ctx.Launch("conv", CudaOps.Entry("conv2d", o.DType), LaunchConfig.Linear(CudaOps.Count(o)), new KernelArguments()
                .Ptr(CudaKernelContext.Pointer(s[0])).Ptr(wp).Ptr(bp).Ptr(CudaKernelContext.Pointer(o)).AddStruct(shape));
            return;
        }
        int es = o.DType.SizeInBytes();
        long kp = (k + 7) / 8 * 8;
        long maxTile = Math.Max(TileQuantum, ColBytesCap / (Math.Max(kp, shape.Co) * es) / TileQuantum * TileQuantum);   // bounds col and d
        long tile = Math.Min(maxTile, (pixels + TileQuantum - 1) / TileQuantum * TileQuantum);

        // W' [Co, Kp] in the activation dtype (zero columns past K), 256-byte aligned scratch.
        ulong wt = ctx.Scratch(CudaOps.SlotConvWeight, shape.Co * kp * es);
        ctx.Launch("conv", CudaOps.Entry("conv_weight", o.DType), FastPath.Grid(ctx, shape.Co * kp),
            new KernelArguments().Ptr(wp).Ptr(wt).Int((int)shape.Co).Int((int)k).Int((int)kp));
        ulong d = ctx.Scratch(CudaOps.SlotConvOut, shape.Co * tile * es);
        // Column-major: D [tile, Co] (ld tile) = A [tile, Kp] (= col row-major [Kp, tile]) · B [Kp, Co] (= W' row-major [Co, Kp]).
        var spec = new GemmSpec(DataType(o.DType), TransA: false, TransB: false, M: tile, N: shape.Co, K: kp, Lda: tile, Ldb: kp, Ldd: tile);
        ulong xBase = CudaKernelContext.Pointer(s[0]), oBase = CudaKernelContext.Pointer(o);
        long imageIn = shape.Ci * shape.H * shape.W * es, imageOut = shape.Co * pixels * es;
        // Plain GEMM on x when every A pointer (image base + tile start) keeps the 256-byte alignment cuBLASLt assumes.
        bool pointwise = shape.KH == 1 && shape.KW == 1 && p.Stride == 1 && shape.PadTop == 0 && shape.PadLeft == 0
            && shape.Ho == shape.H && shape.Wo == shape.W && xBase % 256 == 0 && imageIn % 256 == 0 && tile * es % 256 == 0;
        ulong col = pointwise ? 0 : ctx.Scratch(CudaOps.SlotConvCol, kp * tile * es);
        for (long b = 0; b < shape.B; b++)
        {
            ulong xb = xBase + (ulong)(b * imageIn), ob = oBase + (ulong)(b * imageOut);
            for (long p0 = 0; p0 < pixels; p0 += tile)
            {
                long valid = Math.Min(tile, pixels - p0);
                if (pointwise)
                {
                    // 1×1, stride 1, no padding: x_b [Ci, P] row-major is already the column matrix (col-major [P, Ci], ld P).
                    ctx.Gemm(spec with { M = valid, K = k, Lda = pixels }, xb + (ulong)(p0 * es), wt, d);
                }
                else
                {
                    ctx.Launch("conv", CudaOps.Entry("im2col", o.DType), FastPath.Grid(ctx, kp * tile), new KernelArguments()
                        .Ptr(xb).Ptr(col).AddStruct(shape).Int((int)p0).Int((int)tile).Int((int)k).Int((int)(kp * tile)));
                    ctx.Gemm(spec, col, wt, d);
                }
                ctx.Launch("conv", CudaOps.Entry("conv_store", o.DType), FastPath.Grid(ctx, shape.Co * valid), new KernelArguments()
                    .Ptr(d).Ptr(bp).Ptr(ob).Int((int)shape.Co).Int((int)tile).Int((int)p0).Int((int)pixels).Int((int)valid).Int(shape.HasBias));
            }
        }
    }

    // 32-bit per-image indices in im2col/conv_store and int-sized GEMM dims.
    private static bool GemmFits(ConvShape s, long k, long pixels) =>
        s.Ci * s.H * s.W < int.MaxValue && s.Co * pixels < int.MaxValue && k < int.MaxValue / 2 && pixels < int.MaxValue
        && s.H < int.MaxValue / 2 && s.W < int.MaxValue / 2 && (s.Ho * s.Stride + s.KH) < int.MaxValue / 2 && (s.Wo * s.Stride + s.KW) < int.MaxValue / 2
        && s.Co * ((k + 7) / 8 * 8) < int.MaxValue;

    private static int DataType(DType d) => d switch
    {
        DType.F32 => CublasLt.R32F,
        DType.BF16 => CublasLt.R16BF,
        _ => CublasLt.R16F,
    };

    /// <summary>Mirror of ConvShape in conv.cu.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ConvShape
    {
        public long B, Ci, H, W, Co, KH, KW, Ho, Wo;
        public int Stride, PadTop, PadLeft, HasBias;
    }
}
