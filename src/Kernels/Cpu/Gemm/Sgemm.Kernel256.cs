using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>6×16 AVX2/FMA micro-kernel (12 ymm accumulators): C[mr, nr] += Ap[kc, 6]ᵀ·Bp[kc, 16].</summary>
    private readonly struct Kernel256 : IMicroKernel
    {
        public static int Mr => 6;

        public static int Nr => 16;

        public static int Mc => 120;

        // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
        public static unsafe void Run(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
        {
            // ap [kc, 6] packed, bp [kc, 16] packed → c [mr, nr] (row stride ldc), accumulated
            Vector256<float> acc0a = Vector256<float>.Zero, acc0b = Vector256<float>.Zero;
            Vector256<float> acc1a = Vector256<float>.Zero, acc1b = Vector256<float>.Zero;
            Vector256<float> acc2a = Vector256<float>.Zero, acc2b = Vector256<float>.Zero;
            Vector256<float> acc3a = Vector256<float>.Zero, acc3b = Vector256<float>.Zero;
            Vector256<float> acc4a = Vector256<float>.Zero, acc4b = Vector256<float>.Zero;
            Vector256<float> acc5a = Vector256<float>.Zero, acc5b = Vector256<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + 8);
                var a0 = Vector256.Create(ap[0]);
                acc0a = Fma.MultiplyAdd(a0, b0, acc0a);
                acc0b = Fma.MultiplyAdd(a0, b1, acc0b);
                var a1 = Vector256.Create(ap[1]);
                acc1a = Fma.MultiplyAdd(a1, b0, acc1a);
                acc1b = Fma.MultiplyAdd(a1, b1, acc1b);
                var a2 = Vector256.Create(ap[2]);
                acc2a = Fma.MultiplyAdd(a2, b0, acc2a);
                acc2b = Fma.MultiplyAdd(a2, b1, acc2b);
                var a3 = Vector256.Create(ap[3]);
                acc3a = Fma.MultiplyAdd(a3, b0, acc3a);
                acc3b = Fma.MultiplyAdd(a3, b1, acc3b);
                var a4 = Vector256.Create(ap[4]);
                acc4a = Fma.MultiplyAdd(a4, b0, acc4a);
                acc4b = Fma.MultiplyAdd(a4, b1, acc4b);
                var a5 = Vector256.Create(ap[5]);
                acc5a = Fma.MultiplyAdd(a5, b0, acc5a);
                acc5b = Fma.MultiplyAdd(a5, b1, acc5b);
                ap += 6;
                bp += 16;
            }
            if (mr == 6 && nr == 16)
            {
                float* row0 = c + 0 * (long)ldc;
                Vector256.Store(Vector256.Load(row0) + acc0a, row0);
                Vector256.Store(Vector256.Load(row0 + 8) + acc0b, row0 + 8);
                float* row1 = c + 1 * (long)ldc;
                Vector256.Store(Vector256.Load(row1) + acc1a, row1);
                Vector256.Store(Vector256.Load(row1 + 8) + acc1b, row1 + 8);
                float* row2 = c + 2 * (long)ldc;
                Vector256.Store(Vector256.Load(row2) + acc2a, row2);
                Vector256.Store(Vector256.Load(row2 + 8) + acc2b, row2 + 8);
                float* row3 = c + 3 * (long)ldc;
                Vector256.Store(Vector256.Load(row3) + acc3a, row3);
                Vector256.Store(Vector256.Load(row3 + 8) + acc3b, row3 + 8);
                float* row4 = c + 4 * (long)ldc;
                Vector256.Store(Vector256.Load(row4) + acc4a, row4);
                Vector256.Store(Vector256.Load(row4 + 8) + acc4b, row4 + 8);
                float* row5 = c + 5 * (long)ldc;
                Vector256.Store(Vector256.Load(row5) + acc5a, row5);
                Vector256.Store(Vector256.Load(row5 + 8) + acc5b, row5 + 8);
                return;
            }
            float* tile = stackalloc float[96];
            Vector256.Store(acc0a, tile + 0);
            Vector256.Store(acc0b, tile + 8);
            Vector256.Store(acc1a, tile + 16);
            Vector256.Store(acc1b, tile + 24);
            Vector256.Store(acc2a, tile + 32);
            Vector256.Store(acc2b, tile + 40);
            Vector256.Store(acc3a, tile + 48);
            Vector256.Store(acc3b, tile + 56);
            Vector256.Store(acc4a, tile + 64);
            Vector256.Store(acc4b, tile + 72);
            Vector256.Store(acc5a, tile + 80);
            Vector256.Store(acc5b, tile + 88);
            AddTile(tile, 16, c, ldc, mr, nr);
        }
    }
}
