using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

public sealed unsafe partial class CudaKernelContext
{
    private readonly Dictionary<GemmSpec, GemmPlan> _plans = new();

    /// <summary>
    /// Runs <paramref name="spec"/> with cuBLASLt on the stream (f32 accumulate, α = 1, β = 0). Descriptors and the
    /// heuristic's algorithm are cached per spec. <paramref name="bias"/> is a device vector of M elements in the data type
    /// (used by the bias epilogues, else 0).
    /// </summary>
    /// <exception cref="CudaException">cuBLASLt rejected the problem or found no algorithm.</exception>
    public void Gemm(GemmSpec spec, ulong a, ulong b, ulong d, ulong bias = 0)
    {
        if (IsDryRun)
        {
            DryGemm(spec);
            return;
        }
        nint handle = BlasLt;
        GemmPlan plan;
        lock (_lock)
        {
            if (!_plans.TryGetValue(spec, out plan))
            {
                plan = CreatePlan(handle, spec);
                _plans[spec] = plan;
            }
        }
        if (spec.Epilogue != CublasLt.EpilogueDefault)
        {
            CudaException.CheckBlas(CublasLt.cublasLtMatmulDescSetAttribute(plan.Desc, CublasLt.DescBiasPointer, &bias, 8));
        }
        float alpha = 1f, beta = 0f;
        var algo = plan.Algo;
        Context.MakeCurrent();
        CudaException.CheckBlas(CublasLt.cublasLtMatmul(handle, plan.Desc, &alpha, a, plan.A, b, plan.B, &beta, d, plan.D, d, plan.D,
            &algo, BlasWorkspace, (nuint)BlasWorkspaceBytes, Stream));
    }

    partial void DisposeMatmulPlans()
    {
        foreach (var p in _plans.Values)
        {
            _ = CublasLt.cublasLtMatrixLayoutDestroy(p.A);
            _ = CublasLt.cublasLtMatrixLayoutDestroy(p.B);
            _ = CublasLt.cublasLtMatrixLayoutDestroy(p.D);
            _ = CublasLt.cublasLtMatmulDescDestroy(p.Desc);
        }
        _plans.Clear();
    }

    private static GemmPlan CreatePlan(nint handle, GemmSpec s)
    {
        nint desc, la, lb, ld, pref;
        CudaException.CheckBlas(CublasLt.cublasLtMatmulDescCreate(&desc, CublasLt.Compute32F, CublasLt.R32F));
        int ta = s.TransA ? 1 : 0, tb = s.TransB ? 1 : 0;
        uint epi = s.Epilogue;
        CudaException.CheckBlas(CublasLt.cublasLtMatmulDescSetAttribute(desc, CublasLt.DescTransA, &ta, 4));
        CudaException.CheckBlas(CublasLt.cublasLtMatmulDescSetAttribute(desc, CublasLt.DescTransB, &tb, 4));
        CudaException.CheckBlas(CublasLt.cublasLtMatmulDescSetAttribute(desc, CublasLt.DescEpilogue, &epi, 4));
        // Stored shapes: A is (M×K) or, transposed, (K×M); B is (K×N) or (N×K).
        CudaException.CheckBlas(CublasLt.cublasLtMatrixLayoutCreate(&la, s.DataType, (ulong)(s.TransA ? s.K : s.M), (ulong)(s.TransA ? s.M : s.K), s.Lda));
        CudaException.CheckBlas(CublasLt.cublasLtMatrixLayoutCreate(&lb, s.DataType, (ulong)(s.TransB ? s.N : s.K), (ulong)(s.TransB ? s.K : s.N), s.Ldb));
        CudaException.CheckBlas(CublasLt.cublasLtMatrixLayoutCreate(&ld, s.DataType, (ulong)s.M, (ulong)s.N, s.Ldd));
        if (s.Batch > 1)
        {
            SetBatch(la, s.Batch, s.StrideA);
            SetBatch(lb, s.Batch, s.StrideB);
            SetBatch(ld, s.Batch, s.StrideD);
        }
        CudaException.CheckBlas(CublasLt.cublasLtMatmulPreferenceCreate(&pref));
        ulong ws = BlasWorkspaceBytes;
        CudaException.CheckBlas(CublasLt.cublasLtMatmulPreferenceSetAttribute(pref, CublasLt.PrefMaxWorkspace, &ws, 8));
        CublasLt.HeuristicResult result;
        int found = 0;
        int rc = CublasLt.cublasLtMatmulAlgoGetHeuristic(handle, desc, la, lb, ld, ld, pref, 1, &result, &found);
        _ = CublasLt.cublasLtMatmulPreferenceDestroy(pref);
        if (rc != 0 || found == 0)
        {
            _ = CublasLt.cublasLtMatrixLayoutDestroy(la);
            _ = CublasLt.cublasLtMatrixLayoutDestroy(lb);
            _ = CublasLt.cublasLtMatrixLayoutDestroy(ld);
            _ = CublasLt.cublasLtMatmulDescDestroy(desc);
            throw new CudaException("cublasLtMatmulAlgoGetHeuristic", rc, $"cuBLASLt has no algorithm for {s} (status {rc}, {found} found)");
        }
        return new GemmPlan(desc, la, lb, ld, result.Algo);
    }

    private static void SetBatch(nint layout, int count, long stride)
    {
        CudaException.CheckBlas(CublasLt.cublasLtMatrixLayoutSetAttribute(layout, CublasLt.LayoutBatchCount, &count, 4));
        CudaException.CheckBlas(CublasLt.cublasLtMatrixLayoutSetAttribute(layout, CublasLt.LayoutStridedBatchOffset, &stride, 8));
    }

    private readonly record struct GemmPlan(nint Desc, nint A, nint B, nint D, CublasLt.MatmulAlgo Algo);
}
