using Locus.Engine.Backends;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda.Ops;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>Host-side choice of the CUDA fast paths (no GPU needed): operand kinds and the row-run copy description.</summary>
public sealed class FastPathSelectionTests
{
    private static BoundTensor Bound(Layout layout, DType dtype = DType.BF16) =>
        new(new CpuBuffer(Math.Max(layout.StorageExtent, 1) * dtype.SizeInBytes()), 0, new TensorDesc(dtype, layout));

    private static BoundTensor Dense(params int[] dims) => Bound(new Layout(new Shape(dims)));

    [Fact]
    public void Kind_SameShapeContiguous_IsDense() => Assert.Equal(FastPath.Dense, FastPath.Kind(Dense(3, 1001), new Shape(3, 1001)));

    [Fact]
    public void Kind_LastDimVector_IsRow()
    {
        Assert.Equal(FastPath.Row, FastPath.Kind(Dense(64), new Shape(5, 64)));
        Assert.Equal(FastPath.Row, FastPath.Kind(Dense(1, 1, 72), new Shape(2, 3, 72)));
    }

    [Fact]
    public void Kind_TrailingOne_IsPerRow()
    {
        Assert.Equal(FastPath.PerRow, FastPath.Kind(Dense(5, 1), new Shape(5, 64)));
        Assert.Equal(FastPath.PerRow, FastPath.Kind(Dense(2, 3, 1), new Shape(2, 3, 72)));
    }

    [Fact]
    public void Kind_SingleElement_IsScalar() => Assert.Equal(FastPath.Scalar, FastPath.Kind(Dense(1, 1), new Shape(40, 136)));

    [Fact]
    public void Kind_PartialBroadcastOrStrided_IsNone()
    {
        Assert.Equal(FastPath.None, FastPath.Kind(Dense(2, 1, 5), new Shape(2, 3, 5)));            // middle-dim broadcast
        Assert.Equal(FastPath.None, FastPath.Kind(Dense(1, 3, 1), new Shape(2, 3, 5)));            // per-row over one batch only
        var permuted = new Layout(new Shape(7, 5)).Permute([1, 0]);
        Assert.Equal(FastPath.None, FastPath.Kind(Bound(permuted), new Shape(5, 7)));
        var sliced = new Layout(new Shape(3, 33)).Slice(1, 2, 20);
        Assert.Equal(FastPath.None, FastPath.Kind(Bound(sliced), new Shape(3, 20)));
    }

    [Fact]
    public void Kind_OffsetRowSlice_StaysDense()
    {
        var rows = new Layout(new Shape(4, 1001)).Slice(0, 1, 3);   // contiguous at an odd element offset
        Assert.Equal(FastPath.Dense, FastPath.Kind(Bound(rows), new Shape(3, 1001)));
    }

    [Fact]
    public void RowView_HeadSplitPermute_Uses16ByteUnitsWithSourceStrides()
    {
        // [B, N, H, D] = [2, 5, 3, 64] bf16 viewed as [B, H, N, D]: strides (N·H·D, D, H·D, 1) elements.
        var view = new Layout(new Shape(2, 5, 3, 64)).Permute([0, 2, 1, 3]);
        Assert.True(RowView.TryFor(view.Shape, view.Strides, 2, 0x1000, 0x2000, out var rows, out int unit, out long units));
        Assert.Equal(16, unit);
        Assert.Equal(2L * 5 * 3 * 64 * 2 / 16, units);
        Assert.Equal(3, rows.Rank);
        Assert.Equal(8u, rows.UnitsPerRow);   // 64 bf16 = 128 bytes
        unsafe
        {
            Assert.Equal([2u, 3u, 5u], new[] { rows.Size[0], rows.Size[1], rows.Size[2] });
            // Element strides × 2 bytes / 16: (5·3·64, 64, 3·64) → (120, 8, 24).
            Assert.Equal([120u, 8u, 24u], new[] { rows.Stride[0], rows.Stride[1], rows.Stride[2] });
        }
    }

    [Fact]
    public void RowView_OddOffsetOrOddRow_FallsToNarrowerUnit()
    {
        var sliced = new Layout(new Shape(4, 33)).Slice(1, 3, 17);
        Assert.True(RowView.TryFor(sliced.Shape, sliced.Strides, 2, 0x1000 + 6, 0x2000, out _, out int unit, out long units));
        Assert.Equal(2, unit);
        Assert.Equal(4L * 17, units);
    }

    [Fact]
    public void RowView_LastDimStrided_IsRefused()
    {
        var t = new Layout(new Shape(7, 5)).Permute([1, 0]);
        Assert.False(RowView.TryFor(t.Shape, t.Strides, 4, 0, 0, out _, out _, out _));
    }

    [Fact]
    public void TransposeView_BatchedLastTwoSwap_DescribesBatchesAndSourceStride()
    {
        // [2, 3, 64, 32] permuted (1, 0, 3, 2) → view [3, 2, 32, 64], strides (2048, 6144, 1, 32).
        var view = new Layout(new Shape(2, 3, 64, 32)).Permute([1, 0, 3, 2]);
        Assert.True(TransposeView.TryFor(view.Shape, view.Strides, out var tv, out long batches));
        Assert.Equal(6L, batches);
        Assert.Equal((32u, 64u, 32u, 2), (tv.A, tv.B, tv.S1, tv.Rank));
        unsafe
        {
            Assert.Equal([3u, 2u, 2048u, 6144u], new[] { tv.Size[0], tv.Size[1], tv.Stride[0], tv.Stride[1] });
        }
    }

    [Fact]
    public void TransposeView_DenseLastDimOrGeneralPermute_IsRefused()
    {
        var heads = new Layout(new Shape(2, 5, 3, 64)).Permute([0, 2, 1, 3]);   // row-run copy, not a transpose
        Assert.False(TransposeView.TryFor(heads.Shape, heads.Strides, out _, out _));
        var rotate = new Layout(new Shape(3, 5, 7)).Permute([2, 0, 1]);          // strides (1, 35, 7): dim r-2 not dense
        Assert.False(TransposeView.TryFor(rotate.Shape, rotate.Strides, out _, out _));
    }
}
