using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Gemm;

// Generated register-tiled micro-kernels (one accumulator register per (row, half-panel)).
public static partial class Sgemm
{
    /// <summary>8×32 AVX-512 micro-kernel: C[mr, nr] += Ap[kc, 8]ᵀ·Bp[kc, 32] (packed panels).</summary>
    // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
    private static unsafe void Kernel512(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
    {
        // ap [kc, 8] packed, bp [kc, 32] packed → c [mr, nr] (row stride ldc), accumulated
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero, c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero, c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero, c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero, c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero, c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero, c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero, c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 16);
            var a0 = Vector512.Create(ap[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(ap[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(ap[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(ap[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(ap[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(ap[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(ap[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(ap[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            ap += 8;
            bp += 32;
        }
        if (mr == 8 && nr == 32)
        {
            float* c0 = c + 0 * (long)ldc;
            Vector512.Store(Vector512.Load(c0) + c00, c0);
            Vector512.Store(Vector512.Load(c0 + 16) + c01, c0 + 16);
            float* c1 = c + 1 * (long)ldc;
            Vector512.Store(Vector512.Load(c1) + c10, c1);
            Vector512.Store(Vector512.Load(c1 + 16) + c11, c1 + 16);
            float* c2 = c + 2 * (long)ldc;
            Vector512.Store(Vector512.Load(c2) + c20, c2);
            Vector512.Store(Vector512.Load(c2 + 16) + c21, c2 + 16);
            float* c3 = c + 3 * (long)ldc;
            Vector512.Store(Vector512.Load(c3) + c30, c3);
            Vector512.Store(Vector512.Load(c3 + 16) + c31, c3 + 16);
            float* c4 = c + 4 * (long)ldc;
            Vector512.Store(Vector512.Load(c4) + c40, c4);
            Vector512.Store(Vector512.Load(c4 + 16) + c41, c4 + 16);
            float* c5 = c + 5 * (long)ldc;
            Vector512.Store(Vector512.Load(c5) + c50, c5);
            Vector512.Store(Vector512.Load(c5 + 16) + c51, c5 + 16);
            float* c6 = c + 6 * (long)ldc;
            Vector512.Store(Vector512.Load(c6) + c60, c6);
            Vector512.Store(Vector512.Load(c6 + 16) + c61, c6 + 16);
            float* c7 = c + 7 * (long)ldc;
            Vector512.Store(Vector512.Load(c7) + c70, c7);
            Vector512.Store(Vector512.Load(c7 + 16) + c71, c7 + 16);
            return;
        }
        float* tile = stackalloc float[256];
        Vector512.Store(c00, tile + 0);
        Vector512.Store(c01, tile + 16);
        Vector512.Store(c10, tile + 32);
        Vector512.Store(c11, tile + 48);
        Vector512.Store(c20, tile + 64);
        Vector512.Store(c21, tile + 80);
        Vector512.Store(c30, tile + 96);
        Vector512.Store(c31, tile + 112);
        Vector512.Store(c40, tile + 128);
        Vector512.Store(c41, tile + 144);
        Vector512.Store(c50, tile + 160);
        Vector512.Store(c51, tile + 176);
        Vector512.Store(c60, tile + 192);
        Vector512.Store(c61, tile + 208);
        Vector512.Store(c70, tile + 224);
        Vector512.Store(c71, tile + 240);
        AddTile(tile, 32, c, ldc, mr, nr);
    }

    /// <summary>6×16 AVX2/FMA micro-kernel: C[mr, nr] += Ap[kc, 6]ᵀ·Bp[kc, 16] (packed panels).</summary>
    // SAFETY: callers pass packed panels of kc·MR and kc·NR floats and a C tile of mr rows × nr columns inside C.
    private static unsafe void Kernel256(int kc, float* ap, float* bp, float* c, int ldc, int mr, int nr)
    {
        // ap [kc, 6] packed, bp [kc, 16] packed → c [mr, nr] (row stride ldc), accumulated
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero, c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero, c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero, c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero, c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero, c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            var a0 = Vector256.Create(ap[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(ap[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(ap[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(ap[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(ap[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(ap[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            ap += 6;
            bp += 16;
        }
        if (mr == 6 && nr == 16)
        {
            float* c0 = c + 0 * (long)ldc;
            Vector256.Store(Vector256.Load(c0) + c00, c0);
            Vector256.Store(Vector256.Load(c0 + 8) + c01, c0 + 8);
            float* c1 = c + 1 * (long)ldc;
            Vector256.Store(Vector256.Load(c1) + c10, c1);
            Vector256.Store(Vector256.Load(c1 + 8) + c11, c1 + 8);
            float* c2 = c + 2 * (long)ldc;
            Vector256.Store(Vector256.Load(c2) + c20, c2);
            Vector256.Store(Vector256.Load(c2 + 8) + c21, c2 + 8);
            float* c3 = c + 3 * (long)ldc;
            Vector256.Store(Vector256.Load(c3) + c30, c3);
            Vector256.Store(Vector256.Load(c3 + 8) + c31, c3 + 8);
            float* c4 = c + 4 * (long)ldc;
            Vector256.Store(Vector256.Load(c4) + c40, c4);
            Vector256.Store(Vector256.Load(c4 + 8) + c41, c4 + 8);
            float* c5 = c + 5 * (long)ldc;
            Vector256.Store(Vector256.Load(c5) + c50, c5);
            Vector256.Store(Vector256.Load(c5 + 8) + c51, c5 + 8);
            return;
        }
        float* tile = stackalloc float[96];
        Vector256.Store(c00, tile + 0);
        Vector256.Store(c01, tile + 8);
        Vector256.Store(c10, tile + 16);
        Vector256.Store(c11, tile + 24);
        Vector256.Store(c20, tile + 32);
        Vector256.Store(c21, tile + 40);
        Vector256.Store(c30, tile + 48);
        Vector256.Store(c31, tile + 56);
        Vector256.Store(c40, tile + 64);
        Vector256.Store(c41, tile + 72);
        Vector256.Store(c50, tile + 80);
        Vector256.Store(c51, tile + 88);
        AddTile(tile, 16, c, ldc, mr, nr);
    }
}
