using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    private const int Kc = 256;
    private const int Nc = 4096;

    /// <summary>Below this many flops (2·m·n·k) one thread does the whole product.</summary>
    private const long ParallelFlops = 1L << 22;

    private static readonly bool Use512 = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
    private static readonly bool Use256 = !Use512 && Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported;
    private static readonly int Mr = Use512 ? 8 : 6;
    private static readonly int Nr = Use512 ? 32 : 16;
    private static readonly int Mc = Use512 ? 128 : 120;

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
        int threads = 2L * m * n * k < ParallelFlops ? 1 : Math.Max(1, Math.Min(s_maxThreads, Environment.ProcessorCount));
        int kcMax = Math.Min(Kc, k);
        int ncMax = Math.Min(Nc, RoundUp(n, Nr));
        float[] bPack = Rent(ref t_bPack, (long)kcMax * ncMax);
        nint an = (nint)a, cn = (nint)c;
        fixed (float* bpFixed = bPack)
        {
            nint bp = (nint)bpFixed;
            for (int jc = 0; jc < n; jc += Nc)
            {
                int nc = Math.Min(Nc, n - jc);
                int panels = (nc + Nr - 1) / Nr;
                for (int pc = 0; pc < k; pc += Kc)
                {
                    int kc = Math.Min(Kc, k - pc);
                    int jc0 = jc, pc0 = pc;
                    For(panels, threads, jp => PackB(kind, b, ldb, pc0, kc, jc0 + jp * Nr, Math.Min(Nr, nc - jp * Nr), (float*)bp + (long)jp * Nr * kc));
                    int icBlocks = (m + Mc - 1) / Mc;
                    int chunks = threads == 1 ? 1 : Math.Clamp((2 * threads + icBlocks - 1) / icBlocks, 1, panels);
                    int perChunk = (panels + chunks - 1) / chunks;
                    For(icBlocks * chunks, threads, t =>
                    {
                        int ic = t / chunks * Mc;
                        int mc = Math.Min(Mc, m - ic);
                        int p0 = t % chunks * perChunk;
                        int p1 = Math.Min(panels, p0 + perChunk);
                        if (p0 >= p1)
                        {
                            return;
                        }
                        float[] aPack = Rent(ref t_aPack, (long)Mc * Kc);
                        fixed (float* ap = aPack)
                        {
                            PackA((float*)an + (long)ic * lda + pc0, lda, mc, kc, ap);
                            for (int jp = p0; jp < p1; jp++)
                            {
                                int nr = Math.Min(Nr, nc - jp * Nr);
                                float* bPanel = (float*)bp + (long)jp * Nr * kc;
                                float* cCol = (float*)cn + (long)ic * ldc + jc0 + jp * Nr;
                                for (int ir = 0; ir < mc; ir += Mr)
                                {
                                    MicroKernel(kc, ap + (long)ir * kc, bPanel, cCol + (long)ir * ldc, ldc, Math.Min(Mr, mc - ir), nr);
                                }
                            }
                        }
                    });
                }
            }
        }
    }

    // SAFETY: same contract as the generated kernels.
    private static unsafe void MicroKernel(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
    {
        if (Use512)
        {
            Kernel512(kc, ap, bp, c, ldc, mr, nr);
        }
        else if (Use256)
        {
            Kernel256(kc, ap, bp, c, ldc, mr, nr);
        }
        else
        {
            KernelScalar(kc, ap, bp, c, ldc, mr, nr);
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
