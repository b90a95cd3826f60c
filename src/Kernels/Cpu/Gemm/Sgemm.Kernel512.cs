using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>8×32 AVX-512 micro-kernel (16 zmm accumulators): C[mr, nr] += Ap[kc, 8]ᵀ·Bp[kc, 32].</summary>
    private readonly struct Kernel512 : IMicroKernel
    {
        public static int Mr => 8;

        public static int Nr => 32;

        public static int Mc => 128;

        // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
        public static unsafe void Run(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
        {
            // ap [kc, 8] packed, bp [kc, 32] packed → c [mr, nr] (row stride ldc), accumulated
            Vector512<float> acc0a = Vector512<float>.Zero, acc0b = Vector512<float>.Zero;
            Vector512<float> acc1a = Vector512<float>.Zero, acc1b = Vector512<float>.Zero;
            Vector512<float> acc2a = Vector512<float>.Zero, acc2b = Vector512<float>.Zero;
            Vector512<float> acc3a = Vector512<float>.Zero, acc3b = Vector512<float>.Zero;
            Vector512<float> acc4a = Vector512<float>.Zero, acc4b = Vector512<float>.Zero;
            Vector512<float> acc5a = Vector512<float>.Zero, acc5b = Vector512<float>.Zero;
            Vector512<float> acc6a = Vector512<float>.Zero, acc6b = Vector512<float>.Zero;
            Vector512<float> acc7a = Vector512<float>.Zero, acc7b = Vector512<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.Load(bp);
                var b1 = Vector512.Load(bp + 16);
                var a0 = Vector512.Create(ap[0]);
                acc0a = Avx512F.FusedMultiplyAdd(a0, b0, acc0a);
                acc0b = Avx512F.FusedMultiplyAdd(a0, b1, acc0b);
                var a1 = Vector512.Create(ap[1]);
                acc1a = Avx512F.FusedMultiplyAdd(a1, b0, acc1a);
                acc1b = Avx512F.FusedMultiplyAdd(a1, b1, acc1b);
                var a2 = Vector512.Create(ap[2]);
                acc2a = Avx512F.FusedMultiplyAdd(a2, b0, acc2a);
                acc2b = Avx512F.FusedMultiplyAdd(a2, b1, acc2b);
                var a3 = Vector512.Create(ap[3]);
                acc3a = Avx512F.FusedMultiplyAdd(a3, b0, acc3a);
                acc3b = Avx512F.FusedMultiplyAdd(a3, b1, acc3b);
                var a4 = Vector512.Create(ap[4]);
                acc4a = Avx512F.FusedMultiplyAdd(a4, b0, acc4a);
                acc4b = Avx512F.FusedMultiplyAdd(a4, b1, acc4b);
                var a5 = Vector512.Create(ap[5]);
                acc5a = Avx512F.FusedMultiplyAdd(a5, b0, acc5a);
                acc5b = Avx512F.FusedMultiplyAdd(a5, b1, acc5b);
                var a6 = Vector512.Create(ap[6]);
                acc6a = Avx512F.FusedMultiplyAdd(a6, b0, acc6a);
                acc6b = Avx512F.FusedMultiplyAdd(a6, b1, acc6b);
                var a7 = Vector512.Create(ap[7]);
                acc7a = Avx512F.FusedMultiplyAdd(a7, b0, acc7a);
                acc7b = Avx512F.FusedMultiplyAdd(a7, b1, acc7b);
                ap += 8;
                bp += 32;
            }
            if (mr == 8 && nr == 32)
            {
                float* row0 = c + 0 * (long)ldc;
                Vector512.Store(Vector512.Load(row0) + acc0a, row0);
                Vector512.Store(Vector512.Load(row0 + 16) + acc0b, row0 + 16);
                float* row1 = c + 1 * (long)ldc;
                Vector512.Store(Vector512.Load(row1) + acc1a, row1);
                Vector512.Store(Vector512.Load(row1 + 16) + acc1b, row1 + 16);
                float* row2 = c + 2 * (long)ldc;
                Vector512.Store(Vector512.Load(row2) + acc2a, row2);
                Vector512.Store(Vector512.Load(row2 + 16) + acc2b, row2 + 16);
                float* row3 = c + 3 * (long)ldc;
                Vector512.Store(Vector512.Load(row3) + acc3a, row3);
                Vector512.Store(Vector512.Load(row3 + 16) + acc3b, row3 + 16);
                float* row4 = c + 4 * (long)ldc;
                Vector512.Store(Vector512.Load(row4) + acc4a, row4);
                Vector512.Store(Vector512.Load(row4 + 16) + acc4b, row4 + 16);
                float* row5 = c + 5 * (long)ldc;
                Vector512.Store(Vector512.Load(row5) + acc5a, row5);
                Vector512.Store(Vector512.Load(row5 + 16) + acc5b, row5 + 16);
                float* row6 = c + 6 * (long)ldc;
                Vector512.Store(Vector512.Load(row6) + acc6a, row6);
                Vector512.Store(Vector512.Load(row6 + 16) + acc6b, row6 + 16);
                float* row7 = c + 7 * (long)ldc;
                Vector512.Store(Vector512.Load(row7) + acc7a, row7);
                Vector512.Store(Vector512.Load(row7 + 16) + acc7b, row7 + 16);
                return;
            }
            float* tile = stackalloc float[256];
            Vector512.Store(acc0a, tile + 0);
            Vector512.Store(acc0b, tile + 16);
            Vector512.Store(acc1a, tile + 32);
            Vector512.Store(acc1b, tile + 48);
            Vector512.Store(acc2a, tile + 64);
            Vector512.Store(acc2b, tile + 80);
            Vector512.Store(acc3a, tile + 96);
            Vector512.Store(acc3b, tile + 112);
            Vector512.Store(acc4a, tile + 128);
            Vector512.Store(acc4b, tile + 144);
            Vector512.Store(acc5a, tile + 160);
            Vector512.Store(acc5b, tile + 176);
            Vector512.Store(acc6a, tile + 192);
            Vector512.Store(acc6b, tile + 208);
            Vector512.Store(acc7a, tile + 224);
            Vector512.Store(acc7b, tile + 240);
            AddTile(tile, 32, c, ldc, mr, nr);
        }
    }
}
