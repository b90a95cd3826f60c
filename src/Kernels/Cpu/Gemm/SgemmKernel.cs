namespace Locus.Kernels.Cpu.Gemm;

/// <summary>The SGEMM micro-kernels, fastest first; <see cref="Sgemm"/> picks the first one the CPU runs.</summary>
internal enum SgemmKernel
{
    /// <summary>Vector512 8 × 32 tile (AVX-512F).</summary>
    Avx512,

    /// <summary>Vector256 6 × 16 tile (AVX2 + FMA).</summary>
    Avx2,

    /// <summary>Portable Vector128 6 × 8 tile (ARM64 AdvSimd, x64 SSE/AVX).</summary>
    Vector128,

    /// <summary>Scalar 4 × 4 tile, the last resort.</summary>
    Scalar,
}
