using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Linear and MatMul through cuBLASLt (bf16 or f32 in/out, f32 accumulate; bias as a cuBLASLt epilogue).</summary>
internal static class MatrixOps
{
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        // x [T, in] · W[out, in]ᵀ (+ b[out]) → [T, out]
        table.Add(OpKind.Linear, (n, s, o, _) => Linear(ctx, s[0], s[1], s.Length > 2 ? s[2] : null, o, gelu: false), CudaOps.FloatActivations);
        // a [.., M, K] · b [.., K, N] (or b [.., N, K] transposed; rank-2 b shared by every batch) → [.., M, N]
        table.Add(OpKind.MatMul, (n, s, o, _) => MatMul(ctx, s[0], s[1], o, n.ParamsAs<MatMulParams>().TransposeB), CheckMatMul);
    }

    /// <summary>
    /// y = x·Wᵀ + b, optionally followed by tanh-GELU fused in the cuBLASLt epilogue (internal API for fused MLPs).
    /// W and b are converted to x's dtype in scratch when they differ.
    /// </summary>
    public static void Linear(CudaKernelContext ctx, BoundTensor x, BoundTensor w, BoundTensor? bias, BoundTensor y, bool gelu)
    {
        long inF = w.Shape[1], outF = w.Shape[0];
        long tokens = CudaOps.Count(x) / inF;
        var dt = y.DType;
        ulong wp = CudaOps.AsType(ctx, w, dt, CudaOps.SlotWeightCast);
        ulong bp = bias is { } b ? CudaOps.AsType(ctx, b, dt, CudaOps.SlotBiasCast) : 0;
        uint epi = gelu ? CublasLt.EpilogueGeluBias : (bias is null ? CublasLt.EpilogueDefault : CublasLt.EpilogueBias);
        if (gelu && bias is null)
        {
            throw new ArgumentException("the fused GELU epilogue needs a bias", nameof(bias));
        }
        var spec = new GemmSpec(DataType(dt), TransA: true, TransB: false, M: outF, N: tokens, K: inF, Lda: inF, Ldb: inF, Ldd: outF, Epilogue: epi);
        ctx.Gemm(spec, wp, CudaKernelContext.Pointer(x), CudaKernelContext.Pointer(y), bp);
    }

    private static void MatMul(CudaKernelContext ctx, BoundTensor a, BoundTensor b, BoundTensor c, bool transposeB)
    {
        int m = a.Shape[-2], k = a.Shape[-1];
        int n = c.Shape[-1];
        long batch = CudaOps.Count(c) / ((long)m * n);
        bool shared = b.Shape.Rank == 2;
        var spec = new GemmSpec(DataType(c.DType), TransA: transposeB, TransB: false, M: n, N: m, K: k,
            Lda: transposeB ? k : n, Ldb: k, Ldd: n, Batch: (int)batch,
            StrideA: shared ? 0 : (long)k * n, StrideB: (long)m * k, StrideD: (long)m * n);
        ctx.Gemm(spec, CudaKernelContext.Pointer(b), CudaKernelContext.Pointer(a), CudaKernelContext.Pointer(c));
    }

    private static int DataType(DType d) => d switch
    {
        DType.F32 => CublasLt.R32F,
        DType.BF16 => CublasLt.R16BF,
        DType.F16 => CublasLt.R16F,
        _ => throw new NotSupportedException($"cuBLASLt path has no {d} GEMM"),
    };

    private static string? CheckMatMul(Node node)
    {
        if (CudaOps.FloatActivations(node) is { } why)
        {
            return why;
        }
        long batch = node.Shape.ElementCount / Math.Max((long)node.Shape[-2] * node.Shape[-1], 1);
        return batch > int.MaxValue ? $"batch {batch} too large" : null;
    }
}
