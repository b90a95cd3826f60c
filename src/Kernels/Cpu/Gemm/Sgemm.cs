using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu.Gemm;

/// <summary>
/// Single-precision GEMM, row-major: C = A·B (or A·Bᵀ) + β·C. BLIS-style: B is packed into KC × NR panels and A into
/// MR × KC panels, blocked by NC/KC/MC for the caches, and a register-tiled FMA micro-kernel accumulates in f32: Vector512
/// MR=8 × NR=32 where the CPU has AVX-512, else Vector256 6 × 16 with AVX2 + FMA, else portable Vector128 6 × 8 (ARM64
/// NEON, x64 SSE/AVX), else a scalar 4 × 4 tile. Threads split the MC × N tiles.
/// </summary>
public static partial class Sgemm
{
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>Most threads one call uses (default: the processor count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxThreads));
            s_maxThreads = value;
        }
    }

    /// <summary>Name of the micro-kernel calls from this thread use: "avx512 8x32", "avx2 6x16", "v128 6x8" or "scalar 4x4".</summary>
    public static string KernelName => Describe(ActiveKernel);

    /// <summary>
    /// C[m, n] = Σ_p A[i, p]·B[p, j] + β·C (B [k, n] with row stride <paramref name="ldb"/>), or with
    /// <paramref name="transposeB"/> B is [n, k] and C = A·Bᵀ + β·C. All matrices row-major with the given row strides.
    /// β = 0 overwrites C (NaN in C does not propagate).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative or too small.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static unsafe void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc, float beta = 0)
    {
        Validate(m, n, k, a.Length, lda, b.Length, ldb, transposeB, c.Length, ldc);
        // SAFETY: the spans are pinned for the whole call and Validate checked every extent the loops touch.
        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(m, n, k, pa, lda, (nint)pb, ldb, transposeB ? BKind.F32Transposed : BKind.F32, pc, ldc, beta);
        }
    }

    /// <summary>C = A·Wᵀ + β·C with bf16 weights W [n, k] (nn.Linear layout), widened to f32 panel by panel while packing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative or too small.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static unsafe void MultiplyWeights(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<BFloat16> w, int ldw,
        Span<float> c, int ldc, float beta = 0)
    {
        Validate(m, n, k, a.Length, lda, w.Length, ldw, true, c.Length, ldc);
        // SAFETY: pinned spans, extents validated.
        fixed (float* pa = a, pc = c)
        fixed (BFloat16* pw = w)
        {
            Run(m, n, k, pa, lda, (nint)pw, ldw, BKind.BF16Transposed, pc, ldc, beta);
        }
    }

    /// <summary>C = A·Wᵀ + β·C with f16 weights W [n, k], widened to f32 panel by panel while packing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or stride is negative or too small.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static unsafe void MultiplyWeights(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<Half> w, int ldw,
        Span<float> c, int ldc, float beta = 0)
    {
        Validate(m, n, k, a.Length, lda, w.Length, ldw, true, c.Length, ldc);
        // SAFETY: pinned spans, extents validated.
        fixed (float* pa = a, pc = c)
        fixed (Half* pw = w)
        {
            Run(m, n, k, pa, lda, (nint)pw, ldw, BKind.F16Transposed, pc, ldc, beta);
        }
    }

    private static void Validate(int m, int n, int k, int aLength, int lda, int bLength, int ldb, bool transposeB, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, Math.Max(1, k), nameof(lda));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, Math.Max(1, transposeB ? k : n), nameof(ldb));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, Math.Max(1, n), nameof(ldc));
        Need("a", aLength, m, k, lda);
        Need("b", bLength, transposeB ? n : k, transposeB ? k : n, ldb);
        Need("c", cLength, m, n, ldc);
    }

    private static void Need(string name, int length, int rows, int cols, int ld)
    {
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < need)
        {
            throw new ArgumentException($"{name} has {length} elements, a {rows}×{cols} matrix with row stride {ld} needs {need}", name);
        }
    }
}
