using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Fast elementwise kernels on f32 memory: broadcasting binary ops over strided views, AdaLN modulate, gated residual.</summary>
internal static unsafe class CpuElementwise
{
    private const long Grain = 1 << 15;

    /// <summary>
    /// d = a ∘ b (op 0 = +, 1 = −, 2 = ⊙) for dense d of <paramref name="outShape"/>; a and b are strided views
    /// (storage pointers + layouts) broadcast numpy-style to the output.
    /// </summary>
    public static void Binary(int op, float* a, Layout la, float* b, Layout lb, Shape outShape, float* d)
    {
        int rank = outShape.Rank;
        long[] sa = Strides(la, outShape), sb = Strides(lb, outShape);
        int cols = rank == 0 ? 1 : outShape[-1];
        long rows = cols == 0 ? 0 : outShape.ElementCount / cols;
        long ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1];
        nint pa = (nint)a, pb = (nint)b, pd = (nint)d;
        long offA = la.Offset, offB = lb.Offset;
        CpuParallel.For(rows, Math.Max(1, Grain / Math.Max(cols, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                long oa = offA, ob = offB, rem = r;
                for (int dim = rank - 2; dim >= 0; dim--)
                {
                    long i = rem % outShape[dim];
                    rem /= outShape[dim];
                    oa += i * sa[dim];
                    ob += i * sb[dim];
                }
                Row(op, (float*)pa + oa, ia, (float*)pb + ob, ib, (float*)pd + r * cols, cols);
            }
        });
    }

    private static void Row(int op, float* a, long ia, float* b, long ib, float* d, int n)
    {
        if (ia == 1 && ib == 1)
        {
            CpuVec.Binary(op, a, b, d, n);
        }
        else if (ia == 1 && ib == 0)
        {
            CpuVec.BinaryScalarRight(op, a, *b, d, n);
        }
        else if (ia == 0 && ib == 1)
        {
            CpuVec.BinaryScalarLeft(op, *a, b, d, n);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                float x = a[i * ia], y = b[i * ib];
                d[i] = op == 0 ? x + y : op == 1 ? x - y : x * y;
            }
        }
    }

    /// <summary>Layout strides seen through the broadcast output shape (0 on broadcast or missing dims).</summary>
    private static long[] Strides(Layout l, Shape outShape)
    {
        int rank = outShape.Rank, lead = rank - l.Shape.Rank;
        var s = new long[rank];
        for (int dim = 0; dim < l.Shape.Rank; dim++)
        {
            s[dim + lead] = l.Shape[dim] == 1 ? 0 : l.Strides[dim];
        }
        return s;
    }

    /// <summary>Runs <paramref name="kernel"/>(x + start, d + start, length) over chunks of n dense elements.</summary>
    public static void Unary(float* x, float* d, long n, delegate*<float*, float*, long, void> kernel)
    {
        nint px = (nint)x, pd = (nint)d, fn = (nint)kernel;
        CpuParallel.For(n, Grain, (s, e) => ((delegate*<float*, float*, long, void>)fn)((float*)px + s, (float*)pd + s, e - s));
    }

    /// <summary>d = x·a + b over n dense elements.</summary>
    public static void Affine(float* x, float a, float b, float* d, long n)
    {
        nint px = (nint)x, pd = (nint)d;
        CpuParallel.For(n, Grain, (s, e) => CpuVec.Affine((float*)px + s, a, b, (float*)pd + s, e - s));
    }

    /// <summary>d[b, n, :] = x[b, n, :]·(1 + scale[b, :]) + shift[b, :] for x [B, N, C].</summary>
    public static void Modulate(float* x, float* scale, float* shift, int batch, int tokens, int channels, float* d)
    {
        var onePlus = GC.AllocateUninitializedArray<float>(batch * channels, pinned: true);
        for (int i = 0; i < onePlus.Length; i++)
        {
            onePlus[i] = 1f + scale[i];
        }
        nint px = (nint)x, ps = (nint)CpuTensors.Address(onePlus), ph = (nint)shift, pd = (nint)d;
        CpuParallel.For((long)batch * tokens, Math.Max(1, Grain / Math.Max(channels, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                long b = r / tokens;
                CpuVec.AffineVec((float*)px + r * channels, (float*)ps + b * channels, (float*)ph + b * channels, (float*)pd + r * channels, channels);
            }
        });
        GC.KeepAlive(onePlus);
    }

    /// <summary>d = h0 + g ⊙ y for [B, N, C]; g per channel [B, C] or per token [B, N, 1].</summary>
    public static void GatedResidual(float* h0, float* gate, float* y, int batch, int tokens, int channels, bool perToken, float* d)
    {
        nint ph = (nint)h0, pg = (nint)gate, py = (nint)y, pd = (nint)d;
        CpuParallel.For((long)batch * tokens, Math.Max(1, Grain / Math.Max(channels, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                long o = r * channels;
                if (perToken)
                {
                    CpuVec.Axpy((float*)ph + o, ((float*)pg)[r], (float*)py + o, (float*)pd + o, channels);
                }
                else
                {
                    // h0 + g ⊙ y = y ⊙ g + h0
                    CpuVec.AffineVec((float*)py + o, (float*)pg + r / tokens * channels, (float*)ph + o, (float*)pd + o, channels);
                }
            }
        });
    }
}
