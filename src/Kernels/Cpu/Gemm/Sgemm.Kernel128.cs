using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>
    /// 6×8 portable Vector128 micro-kernel: C[mr, nr] += Ap[kc, 6]ᵀ·Bp[kc, 8]. 12 accumulators + 2 B vectors + 1 broadcast
    /// A = 15 registers, so it fits the 16 xmm of x64 SSE/AVX as well as the 32 NEON registers of ARM64.
    /// <see cref="Vector128.MultiplyAddEstimate(Vector128{float}, Vector128{float}, Vector128{float})"/> is one fused
    /// FMLA on ARM64 and VFMADD231PS on x64 with FMA, and a multiply + add (not a slow software fma) on x64 without FMA.
    /// </summary>
    private readonly struct Kernel128 : IMicroKernel
    {
        public static int Mr => 6;

        public static int Nr => 8;

        public static int Mc => 120;

        // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
        public static unsafe void Run(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
        {
            // ap [kc, 6] packed, bp [kc, 8] packed → c [mr, nr] (row stride ldc), accumulated
            Vector128<float> acc0a = Vector128<float>.Zero, acc0b = Vector128<float>.Zero;
            Vector128<float> acc1a = Vector128<float>.Zero, acc1b = Vector128<float>.Zero;
            Vector128<float> acc2a = Vector128<float>.Zero, acc2b = Vector128<float>.Zero;
            Vector128<float> acc3a = Vector128<float>.Zero, acc3b = Vector128<float>.Zero;
            Vector128<float> acc4a = Vector128<float>.Zero, acc4b = Vector128<float>.Zero;
            Vector128<float> acc5a = Vector128<float>.Zero, acc5b = Vector128<float>.Zero;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector128.Load(bp);
                var b1 = Vector128.Load(bp + 4);
                var a0 = Vector128.Create(ap[0]);
                acc0a = Vector128.MultiplyAddEstimate(a0, b0, acc0a);
                acc0b = Vector128.MultiplyAddEstimate(a0, b1, acc0b);
                var a1 = Vector128.Create(ap[1]);
                acc1a = Vector128.MultiplyAddEstimate(a1, b0, acc1a);
                acc1b = Vector128.MultiplyAddEstimate(a1, b1, acc1b);
                var a2 = Vector128.Create(ap[2]);
                acc2a = Vector128.MultiplyAddEstimate(a2, b0, acc2a);
                acc2b = Vector128.MultiplyAddEstimate(a2, b1, acc2b);
                var a3 = Vector128.Create(ap[3]);
                acc3a = Vector128.MultiplyAddEstimate(a3, b0, acc3a);
                acc3b = Vector128.MultiplyAddEstimate(a3, b1, acc3b);
                var a4 = Vector128.Create(ap[4]);
                acc4a = Vector128.MultiplyAddEstimate(a4, b0, acc4a);
                acc4b = Vector128.MultiplyAddEstimate(a4, b1, acc4b);
                var a5 = Vector128.Create(ap[5]);
                acc5a = Vector128.MultiplyAddEstimate(a5, b0, acc5a);
                acc5b = Vector128.MultiplyAddEstimate(a5, b1, acc5b);
                ap += 6;
                bp += 8;
            }
            if (mr == 6 && nr == 8)
            {
                float* row0 = c + 0 * (long)ldc;
                Vector128.Store(Vector128.Load(row0) + acc0a, row0);
                Vector128.Store(Vector128.Load(row0 + 4) + acc0b, row0 + 4);
                float* row1 = c + 1 * (long)ldc;
                Vector128.Store(Vector128.Load(row1) + acc1a, row1);
                Vector128.Store(Vector128.Load(row1 + 4) + acc1b, row1 + 4);
                float* row2 = c + 2 * (long)ldc;
                Vector128.Store(Vector128.Load(row2) + acc2a, row2);
                Vector128.Store(Vector128.Load(row2 + 4) + acc2b, row2 + 4);
                float* row3 = c + 3 * (long)ldc;
                Vector128.Store(Vector128.Load(row3) + acc3a, row3);
                Vector128.Store(Vector128.Load(row3 + 4) + acc3b, row3 + 4);
                float* row4 = c + 4 * (long)ldc;
                Vector128.Store(Vector128.Load(row4) + acc4a, row4);
                Vector128.Store(Vector128.Load(row4 + 4) + acc4b, row4 + 4);
                float* row5 = c + 5 * (long)ldc;
                Vector128.Store(Vector128.Load(row5) + acc5a, row5);
                Vector128.Store(Vector128.Load(row5 + 4) + acc5b, row5 + 4);
                return;
            }
            float* tile = stackalloc float[48];
            Vector128.Store(acc0a, tile + 0);
            Vector128.Store(acc0b, tile + 4);
            Vector128.Store(acc1a, tile + 8);
            Vector128.Store(acc1b, tile + 12);
            Vector128.Store(acc2a, tile + 16);
            Vector128.Store(acc2b, tile + 20);
            Vector128.Store(acc3a, tile + 24);
            Vector128.Store(acc3b, tile + 28);
            Vector128.Store(acc4a, tile + 32);
            Vector128.Store(acc4b, tile + 36);
            Vector128.Store(acc5a, tile + 40);
            Vector128.Store(acc5b, tile + 44);
            AddTile(tile, 8, c, ldc, mr, nr);
        }
    }
}
