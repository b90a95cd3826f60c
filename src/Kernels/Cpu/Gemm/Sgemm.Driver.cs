namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    private const int Kc = 256;
    private const int Nc = 4096;

    /// <summary>Below this many flops (2·m·n·k) one thread does the whole product.</summary>
    private const long ParallelFlops = 1L << 22;

    [ThreadStatic]
    private static float[]? t_aPack;

    [ThreadStatic]
    private static float[]? t_bPack;

    private enum BKind
    {
        F32,
        F32Transposed,
        BF16Transposed,
        F16Transposed,
    }

    // SAFETY: pointers come from pinned, validated spans (see the public entry points); b is an nint so lambdas can capture it.
    private static unsafe void Run(int m, int n, int k, float* a, int lda, nint b, int ldb, BKind kind, float* c, int ldc, float beta)
    {
        // a [m, k], b [k, n] | [n, k] → c [m, n]
        if (m == 0 || n == 0)
        {
            return;
        }
        ScaleC(m, n, c, ldc, beta);
        if (k == 0)
        {
            return;
        }
        switch (ActiveKernel)
        {
            case SgemmKernel.Avx512:
                Run<Kernel512>(m, n, k, a, lda, b, ldb, kind, c, ldc);
                break;
            case SgemmKernel.Avx2:
                Run<Kernel256>(m, n, k, a, lda, b, ldb, kind, c, ldc);
                break;
            case SgemmKernel.Vector128:
                Run<Kernel128>(m, n, k, a, lda, b, ldb, kind, c, ldc);
                break;
            default:
                Run<KernelScalar>(m, n, k, a, lda, b, ldb, kind, c, ldc);
                break;
        }
    }

    /// <summary>The blocked product C += A·B for one micro-kernel; a struct type argument makes MR/NR/MC JIT constants.</summary>
    // SAFETY: as Run above; C is already scaled by β and m, n, k > 0.
    private static unsafe void Run<TKernel>(int m, int n, int k, float* a, int lda, nint b, int ldb, BKind kind, float* c, int ldc)
        where TKernel : struct, IMicroKernel
    {
        // a [m, k], b [k, n] | [n, k] → c [m, n] (accumulated)
        // MR/NR/MC are read as TKernel.* everywhere (also inside the lambdas) so that they stay JIT constants.
        int threads = 2L * m * n * k < ParallelFlops ? 1 : Math.Max(1, Math.Min(s_maxThreads, Environment.ProcessorCount));
        int kcMax = Math.Min(Kc, k);
        int ncMax = Math.Min(Nc, RoundUp(n, TKernel.Nr));
        float[] bPack = Rent(ref t_bPack, (long)kcMax * ncMax);
        nint an = (nint)a, cn = (nint)c;
        fixed (float* bpFixed = bPack)
        {
            nint bp = (nint)bpFixed;
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                int panels = (nc + TKernel.Nr - 1) / TKernel.Nr;
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    int jc0 = jc, pc0 = pc;
                    For(panels, threads, jp => PackB<TKernel>(kind, b, ldb, pc0, kc, jc0 + jp * TKernel.Nr, Math.Min(TKernel.Nr, nc - jp * TKernel.Nr),
                        (float*)bp + (long)jp * TKernel.Nr * kc));
                    int icBlocks = (m + TKernel.Mc - 1) / TKernel.Mc;
                    int chunks = threads == 1 ? 1 : Math.Clamp((2 * threads + icBlocks - 1) / icBlocks, 1, panels);
                    int perChunk = (panels + chunks - 1) / chunks;
                    For(icBlocks * chunks, threads, t =>
                    {
                        int ic = t / chunks * TKernel.Mc;
                        int mc = Math.Min(TKernel.Mc, m - ic);
                        int p0 = t % chunks * perChunk;
                        int p1 = Math.Min(panels, p0 + perChunk);
                        if (p0 >= p1)
                        {
                            return;
                        }
                        float[] aPack = Rent(ref t_aPack, (long)RoundUp(TKernel.Mc, TKernel.Mr) * Kc);
                        fixed (float* ap = aPack)
                        {
                            PackA<TKernel>((float*)an + (long)ic * lda + pc0, lda, mc, kc, ap);
                            for (int jp = p0; jp < p1; jp++)
                            {
                                int nr = Math.Min(TKernel.Nr, nc - jp * TKernel.Nr);
                                float* bPanel = (float*)bp + (long)jp * TKernel.Nr * kc;
                                float* cCol = (float*)cn + (long)ic * ldc + jc0 + jp * TKernel.Nr;
                                for (int ir = 0; ir < mc; ir += TKernel.Mr)
                                {
                                    TKernel.Run(kc, ap + (long)ir * kc, bPanel, cCol + (long)ir * ldc, ldc, Math.Min(TKernel.Mr, mc - ir), nr);
                                }
                            }
                        }
                    });
                }
            }
        }
    }

    // SAFETY: c points at an m × n matrix with row stride ldc (validated by the caller).
    private static unsafe void ScaleC(int m, int n, float* c, int ldc, float beta)
    {
        if (beta == 1f)
        {
            return;
        }
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    private static void For(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    private static float[] Rent(ref float[]? cache, long length)
    {
        if (cache is null || cache.LongLength < length)
        {
            cache = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        }
        return cache;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
