using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Mirror of <c>RowView</c> in elementwise.cu: a view whose last dim is dense, copied row by row in units of
/// <c>unit</c> bytes (1, 2, 4, 8 or 16; chosen by <c>TryFor</c>) by <c>copy_rows_u{1,2,4,8,16}</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RowView
{
    /// <summary>Most leading (non-last) dims the kernel indexes.</summary>
    public const int MaxLeading = 5;

    public fixed uint Size[MaxLeading];
    public fixed uint Stride[MaxLeading];
    public int Rank;
    public uint UnitsPerRow;

    /// <summary>
    /// Describes <paramref name="x"/> (last-dim stride 1, rank 1..6) copied to the dense <paramref name="outPointer"/>;
    /// false when the layout does not qualify or an index would not fit 32 bits.
    /// </summary>
    public static bool TryFor(BoundTensor x, ulong outPointer, out RowView view, out int unit, out long totalUnits) =>
        TryFor(x.Shape, x.Layout.Strides, x.DType.SizeInBytes(), CudaKernelContext.Pointer(x), outPointer, out view, out unit, out totalUnits);

    /// <summary>As above from the view's parts (<paramref name="strides"/> in elements of <paramref name="es"/> bytes).</summary>
    public static bool TryFor(Shape shape, IReadOnlyList<long> strides, int es, ulong inPointer, ulong outPointer,
        out RowView view, out int unit, out long totalUnits)
    {
        view = default;
        unit = 0;
        totalUnits = 0;
        int rank = shape.Rank;
        if (rank < 1 || rank - 1 > MaxLeading || strides[rank - 1] != 1 || shape.ElementCount == 0)
        {
            return false;
        }
        long rowBytes = (long)shape[rank - 1] * es;
        long g = rowBytes | (long)inPointer | (long)outPointer | 16;
        long maxOffsetBytes = rowBytes;
        for (int d = 0; d < rank - 1; d++)
        {
            long strideBytes = strides[d] * es;
            if (strideBytes < 0)
            {
                return false;
            }
            if (shape[d] > 1)
            {
                g |= strideBytes;
            }
            maxOffsetBytes += (shape[d] - 1) * strideBytes;
        }
        unit = (int)(g & -g);   // largest power of two dividing all of them, capped at 16
        totalUnits = shape.ElementCount * es / unit;
        if (totalUnits >= int.MaxValue || maxOffsetBytes / unit >= int.MaxValue)
        {
            return false;
        }
        view.Rank = rank - 1;
        view.UnitsPerRow = (uint)(rowBytes / unit);
        for (int d = 0; d < rank - 1; d++)
        {
            view.Size[d] = (uint)shape[d];
            view.Stride[d] = shape[d] > 1 ? (uint)(strides[d] * es / unit) : 0;
        }
        return true;
    }
}
