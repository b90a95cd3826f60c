namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>
    /// One register-tiled micro-kernel and its blocking. Implemented by empty structs so that the generic driver
    /// (<c>Run&lt;TKernel&gt;</c>) is compiled once per kernel with MR, NR and MC as constants and a direct kernel call.
    /// </summary>
    private interface IMicroKernel
    {
        /// <summary>Rows of the register tile (the A panel width).</summary>
        static abstract int Mr { get; }

        /// <summary>Columns of the register tile (the B panel width).</summary>
        static abstract int Nr { get; }

        /// <summary>Rows of A packed per block (a multiple of <see cref="Mr"/>; the packed block is MC × KC floats).</summary>
        static abstract int Mc { get; }

        /// <summary>C[mr, nr] += Ap[kc, MR]ᵀ·Bp[kc, NR] (packed, zero-padded panels); mr ≤ MR and nr ≤ NR clip the store.</summary>
        // SAFETY: ap holds kc·MR floats, bp kc·NR floats, c addresses mr rows × nr columns with row stride ldc.
        static abstract unsafe void Run(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr);
    }

    /// <summary>C[mr, nr] += tile (row stride ld).</summary>
    // SAFETY: tile holds mr rows of ld floats; c addresses mr × nr inside C.
    private static unsafe void AddTile(float* tile, int ld, float* c, int ldc, int mr, int nr)
    {
        for (int r = 0; r < mr; r++)
        {
            for (int j = 0; j < nr; j++)
            {
                c[(long)r * ldc + j] += tile[r * ld + j];
            }
        }
    }
}
