using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Chooses the contiguous fast paths of elementwise.cu / convert.cu (32-bit indices, 16-byte vectors) and sizes their
/// grids; <c>null</c>/<c>-1</c> answers mean "use the strided path".
/// </summary>
internal static class FastPath
{
    /// <summary>Operand read at element i (kind 0), at i % C (1, row broadcast), at i / C (2, per row), at 0 (3, scalar).</summary>
    public const int Dense = 0, Row = 1, PerRow = 2, Scalar = 3, None = -1;

    /// <summary>Threads per block of the fast kernels.</summary>
    public const int Block = 256;

    /// <summary>True when <paramref name="n"/> elements fit the kernels' 32-bit index math.</summary>
    public static bool Fits(long n) => n < int.MaxValue;

    /// <summary>How <paramref name="operand"/> is read at the output's linear index, or <see cref="None"/>.</summary>
    public static int Kind(BoundTensor operand, Shape output)
    {
        var s = operand.Shape;
        if (s == output && operand.Layout.IsContiguous)
        {
            return Dense;
        }
        long count = s.ElementCount;
        if (count == 1)
        {
            return Scalar;
        }
        if (output.Rank == 0 || s.Rank == 0 || !operand.Layout.IsContiguous)
        {
            return None;
        }
        int c = output[output.Rank - 1];
        if (c <= 0)
        {
            return None;
        }
        if (count == c && s[s.Rank - 1] == c)
        {
            return Row;
        }
        // [.., 1] matching every leading output dim (broadcasting guarantees each dim equals the output's or is 1,
        // so equal element counts mean equal dims).
        return s[s.Rank - 1] == 1 && count * c == output.ElementCount ? PerRow : None;
    }

    /// <summary>True when every pointer is 16-byte aligned (vector loads/stores are legal).</summary>
    public static bool Aligned(params ReadOnlySpan<ulong> pointers)
    {
        foreach (ulong p in pointers)
        {
            if ((p & 15) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Elements per 16-byte vector for <paramref name="dtype"/> (4 f32, 8 bf16/f16).</summary>
    public static int Width(DType dtype) => 16 / dtype.SizeInBytes();

    /// <summary>
    /// Grid for <paramref name="work"/> items (vectors when vectorised), capped at 4 waves of 8 resident 256-thread
    /// blocks per SM; the kernels grid-stride over the rest.
    /// </summary>
    public static LaunchConfig Grid(CudaKernelContext ctx, long work)
    {
        long cap = 32L * Math.Max(ctx.MultiprocessorCount, 1);
        long blocks = Math.Clamp((work + Block - 1) / Block, 1, cap);
        return new LaunchConfig((uint)blocks, 1, 1, Block);
    }
}
