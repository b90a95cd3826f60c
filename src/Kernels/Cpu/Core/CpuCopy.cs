using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Byte-exact strided gather and concatenation for any dtype, and fast float conversions.</summary>
internal static unsafe class CpuCopy
{
    private const long Grain = 1 << 16;

    /// <summary>Dense row-major copy of the view <paramref name="layout"/> over <paramref name="storage"/> (elements of <paramref name="size"/> bytes).</summary>
    public static void Gather(byte* storage, Layout layout, int size, byte* dst)
    {
        var shape = layout.Shape;
        int rank = shape.Rank;
        int cols = rank == 0 ? 1 : shape[-1];
        long rows = cols == 0 ? 0 : shape.ElementCount / cols;
        long inner = rank == 0 ? 0 : layout.Strides[rank - 1];
        var strides = layout.Strides.ToArray();
        long offset = layout.Offset;
        nint ps = (nint)storage, pd = (nint)dst;
        CpuParallel.For(rows, Math.Max(1, Grain / Math.Max(cols * size, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                long at = offset, rem = r;
                for (int d = rank - 2; d >= 0; d--)
                {
                    at += rem % shape[d] * strides[d];
                    rem /= shape[d];
                }
                byte* s = (byte*)ps + at * size, o = (byte*)pd + r * cols * size;
                if (inner == 1 || cols == 1)
                {
                    Buffer.MemoryCopy(s, o, (long)cols * size, (long)cols * size);
                }
                else
                {
                    for (int c = 0; c < cols; c++)
                    {
                        Buffer.MemoryCopy(s + c * inner * size, o + (long)c * size, size, size);
                    }
                }
            }
        });
    }

    /// <summary>Concatenation: part p is dense [outer, chunkBytes[p]]; dst rows are the parts' chunks back to back.</summary>
    public static void Concat(nint[] parts, long[] chunkBytes, long outer, byte* dst)
    {
        long rowBytes = chunkBytes.Sum();
        nint pd = (nint)dst;
        CpuParallel.For(outer, Math.Max(1, Grain / Math.Max(rowBytes, 1)), (o0, o1) =>
        {
            for (long o = o0; o < o1; o++)
            {
                long at = o * rowBytes;
                for (int p = 0; p < parts.Length; p++)
                {
                    Buffer.MemoryCopy((byte*)parts[p] + o * chunkBytes[p], (byte*)pd + at, chunkBytes[p], chunkBytes[p]);
                    at += chunkBytes[p];
                }
            }
        });
    }

    /// <summary>f32 → bf16 bits (round to nearest even, NaN kept quiet).</summary>
    public static void ToBFloat16(float* s, ushort* d, long n)
    {
        nint ps = (nint)s, pd = (nint)d;
        CpuParallel.For(n, Grain, (a, b) =>
        {
            for (long i = a; i < b; i++)
            {
                ((ushort*)pd)[i] = BFloat16.RoundBits(((float*)ps)[i]);
            }
        });
    }

    /// <summary>bf16 bits → f32 (exact).</summary>
    public static void FromBFloat16(ushort* s, float* d, long n)
    {
        nint ps = (nint)s, pd = (nint)d;
        CpuParallel.For(n, Grain, (a, b) =>
        {
            for (long i = a; i < b; i++)
            {
                ((uint*)pd)[i] = (uint)((ushort*)ps)[i] << 16;
            }
        });
    }

    /// <summary>f32 ↔ f16 (RNE narrowing, exact widening).</summary>
    public static void Half(float* f, Half* h, long n, bool toHalf)
    {
        nint pf = (nint)f, ph = (nint)h;
        CpuParallel.For(n, Grain, (a, b) =>
        {
            for (long i = a; i < b; i++)
            {
                if (toHalf)
                {
                    ((Half*)ph)[i] = (Half)((float*)pf)[i];
                }
                else
                {
                    ((float*)pf)[i] = (float)((Half*)ph)[i];
                }
            }
        });
    }
}
