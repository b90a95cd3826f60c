namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>
    /// 4×4 scalar micro-kernel for CPUs without accelerated vectors (16 float accumulators in locals):
    /// C[mr, nr] += Ap[kc, 4]ᵀ·Bp[kc, 4]. Plain multiply + add: MathF.FusedMultiplyAdd is a slow software call where
    /// the hardware has no fma.
    /// </summary>
    private readonly struct KernelScalar : IMicroKernel
    {
        public static int Mr => 4;

        public static int Nr => 4;

        public static int Mc => 128;

        // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
        public static unsafe void Run(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
        {
            // ap [kc, 4] packed, bp [kc, 4] packed → c [mr, nr] (row stride ldc), accumulated
            float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
            float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
            float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
            float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
            for (int p = 0; p < kc; p++)
            {
                float b0 = bp[0], b1 = bp[1], b2 = bp[2], b3 = bp[3];
                float a0 = ap[0];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                float a1 = ap[1];
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                float a2 = ap[2];
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                float a3 = ap[3];
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                ap += 4;
                bp += 4;
            }
            float* tile = stackalloc float[16];
            tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
            tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
            tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
            tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
            AddTile(tile, 4, c, ldc, mr, nr);
        }
    }
}
