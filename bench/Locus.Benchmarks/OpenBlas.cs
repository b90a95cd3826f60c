using System.Runtime.InteropServices;

namespace Locus.Benchmarks;

/// <summary>P/Invoke to OpenBLAS (Debian <c>libopenblas0-pthread</c>, <c>libopenblas.so.0</c>): the CPU yardstick, bench only.</summary>
public static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    /// <summary>True when the library loads.</summary>
    public static bool IsAvailable { get; } = NativeLibrary.TryLoad(Library, out _);

    /// <summary>Name of the kernel OpenBLAS picked (e.g. "Haswell", "SkylakeX", "Zen").</summary>
    public static string CoreName => Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "?";

    /// <summary>Build configuration string.</summary>
    public static string Config => Marshal.PtrToStringAnsi(openblas_get_config()) ?? "?";

    /// <summary>Sets OpenBLAS's thread count.</summary>
    public static void SetThreads(int threads) => openblas_set_num_threads(threads);

    /// <summary>Row-major C = A·B (or A·Bᵀ) + β·C.</summary>
    // SAFETY: the caller passes arrays of at least m·lda, k·ldb (n·ldb transposed) and m·ldc floats.
    public static void Sgemm(int m, int n, int k, float[] a, int lda, float[] b, int ldb, bool transposeB, float[] c, int ldc, float beta = 0)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            cblas_sgemm(RowMajor, NoTrans, transposeB ? Trans : NoTrans, m, n, k, 1f, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial nint openblas_get_corename();

    [LibraryImport(Library)]
    private static partial nint openblas_get_config();
}
