using System.Runtime.InteropServices;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Mirror of <c>TransposeView</c> in elementwise.cu: a view whose output dim r-2 is dense in the source (stride 1) and
/// output dim r-1 is not, copied by <c>transpose_b{1,2,4,8}</c> in 32×32 shared-memory tiles.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TransposeView
{
    /// <summary>Most leading (batch) dims the kernel indexes.</summary>
    public const int MaxLeading = 4;

    public fixed uint Size[MaxLeading];
    public fixed uint Stride[MaxLeading];
    public int Rank;
    public uint A, B, S1;

    /// <summary>
    /// Describes the view (<paramref name="strides"/> in elements); false when it is not a last-two-dims swap or an
    /// index, the batch count (grid.z) or the row-tile count (grid.y) would not fit.
    /// </summary>
    public static bool TryFor(Shape shape, IReadOnlyList<long> strides, out TransposeView view, out long batches)
    {
        view = default;
        batches = 1;
        int r = shape.Rank;
        if (r < 2 || r - 2 > MaxLeading || strides[r - 2] != 1 || strides[r - 1] <= 1 || shape[r - 1] < 2 || shape[r - 2] < 2)
        {
            return false;
        }
        long maxOffset = (shape[r - 2] - 1) + (shape[r - 1] - 1) * strides[r - 1];
        for (int d = 0; d < r - 2; d++)
        {
            if (strides[d] < 0)
            {
                return false;
            }
            batches *= shape[d];
            maxOffset += (shape[d] - 1) * strides[d];
        }
        if (shape.ElementCount >= int.MaxValue || maxOffset >= int.MaxValue || batches > 65535 || (shape[r - 2] + 31) / 32 > 65535 || batches == 0)
        {
            return false;
        }
        view.Rank = r - 2;
        view.A = (uint)shape[r - 2];
        view.B = (uint)shape[r - 1];
        view.S1 = (uint)strides[r - 1];
        for (int d = 0; d < r - 2; d++)
        {
            view.Size[d] = (uint)shape[d];
            view.Stride[d] = shape[d] > 1 ? (uint)strides[d] : 0;
        }
        return true;
    }
}
