namespace Locus.Kernels.Cpu.Gemm;

public static partial class Sgemm
{
    /// <summary>Packs A[mc, kc] (row stride lda) into MR-row panels [kc, MR], zero-padding the last panel.</summary>
    // SAFETY: a addresses mc rows of kc floats; ap holds RoundUp(mc, MR)·kc floats.
    private static unsafe void PackA<TKernel>(float* a, int lda, int mc, int kc, float* ap)
        where TKernel : struct, IMicroKernel
    {
        int mr = TKernel.Mr;
        for (int ir = 0; ir < mc; ir += mr)
        {
            float* panel = ap + (long)ir * kc;
            for (int r = 0; r < mr; r++)
            {
                if (ir + r < mc)
                {
                    float* src = a + (long)(ir + r) * lda;
                    for (int p = 0; p < kc; p++)
                    {
                        panel[p * mr + r] = src[p];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        panel[p * mr + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs columns [j0, j0 + nr) × rows [pc, pc + kc) of B into one panel [kc, NR], widening bf16/f16 and zero-padding.</summary>
    // SAFETY: b addresses the validated B matrix of the given kind; bp holds kc·NR floats.
    private static unsafe void PackB<TKernel>(BKind kind, nint b, int ldb, int pc, int kc, int j0, int nr, float* bp)
        where TKernel : struct, IMicroKernel
    {
        int nrFull = TKernel.Nr;
        if (kind == BKind.F32)
        {
            for (int p = 0; p < kc; p++)
            {
                float* src = (float*)b + (long)(pc + p) * ldb + j0;
                float* dst = bp + (long)p * nrFull;
                new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(dst, nr));
                for (int j = nr; j < nrFull; j++)
                {
                    dst[j] = 0f;
                }
            }
            return;
        }
        for (int j = 0; j < nrFull; j++)
        {
            if (j >= nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    bp[(long)p * nrFull + j] = 0f;
                }
                continue;
            }
            long row = (long)(j0 + j) * ldb + pc;
            switch (kind)
            {
                case BKind.F32Transposed:
                    float* f = (float*)b + row;
                    for (int p = 0; p < kc; p++)
                    {
                        bp[(long)p * nrFull + j] = f[p];
                    }
                    break;
                case BKind.BF16Transposed:
                    ushort* bf = (ushort*)b + row;
                    for (int p = 0; p < kc; p++)
                    {
                        bp[(long)p * nrFull + j] = BitConverter.UInt32BitsToSingle((uint)bf[p] << 16);
                    }
                    break;
                default:
                    Half* hf = (Half*)b + row;
                    for (int p = 0; p < kc; p++)
                    {
                        bp[(long)p * nrFull + j] = (float)hf[p];
                    }
                    break;
            }
        }
    }
}
