using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Mirror of <c>StridedView</c> in common.cuh: an operand broadcast to the output shape (rank ≤ 6).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StridedView
{
    /// <summary>Largest rank the kernels index.</summary>
    public const int MaxRank = 6;

    public fixed long Size[MaxRank];
    public fixed long Stride[MaxRank];
    public int Rank;
    public int Contiguous;

    /// <summary>Describes <paramref name="operand"/> read at every index of <paramref name="output"/> (numpy broadcasting).</summary>
    /// <exception cref="ArgumentException">rank over 6 or shapes that do not broadcast.</exception>
    public static StridedView For(BoundTensor operand, Shape output)
    {
        int rank = output.Rank;
        if (rank > MaxRank)
        {
            throw new ArgumentException($"rank {rank} exceeds the CUDA elementwise limit of {MaxRank}", nameof(output));
        }
        var v = new StridedView { Rank = Math.Max(rank, 1) };
        var shape = operand.Shape;
        int lead = rank - shape.Rank;
        for (int d = 0; d < Math.Max(rank, 1); d++)
        {
            long size = rank == 0 ? 1 : output[d];
            long stride = 0;
            if (rank > 0 && d >= lead)
            {
                int sd = shape[d - lead];
                if (sd != size && sd != 1)
                {
                    throw new ArgumentException($"operand {operand.Shape} does not broadcast to {output}", nameof(operand));
                }
                stride = sd == 1 ? 0 : operand.Layout.Strides[d - lead];
            }
            v.Size[d] = size;
            v.Stride[d] = stride;
        }
        v.Contiguous = operand.Layout.IsContiguous && operand.Shape == output ? 1 : 0;
        return v;
    }
}
