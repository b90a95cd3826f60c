using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Tensors;

/// <summary>Views checked against index arithmetic written out in the test (row-major storage of a known tensor).</summary>
public sealed class LayoutTests
{
    [Fact]
    public void Permute_Transpose_IndexesSwappedElements()
    {
        // Storage of a [2, 3, 4] tensor where element (i, j, k) = 100i + 10j + k.
        var storage = Storage(2, 3, 4);
        var view = new Layout(new Shape(2, 3, 4)).Permute([2, 0, 1]); // -> [4, 2, 3], view(k, i, j) = x(i, j, k)
        Assert.Equal(new Shape(4, 2, 3), view.Shape);
        Assert.False(view.IsContiguous);
        for (int k = 0; k < 4; k++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    Assert.Equal((100 * i) + (10 * j) + k, storage[view.IndexOf([k, i, j])]);
                }
            }
        }
        // IndexOfLinear walks the view in row-major logical order.
        var linear = Enumerable.Range(0, 24).Select(e => storage[view.IndexOfLinear(e)]).ToArray();
        var expected = new List<int>();
        for (int k = 0; k < 4; k++)
        {
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    expected.Add((100 * i) + (10 * j) + k);
                }
            }
        }
        Assert.Equal(expected, linear);
    }

    [Fact]
    public void Slice_MiddleAxis_OffsetsAndKeepsStrides()
    {
        var storage = Storage(2, 5, 3);
        var view = new Layout(new Shape(2, 5, 3)).Slice(1, 2, 2); // j in [2, 4)
        Assert.Equal(new Shape(2, 2, 3), view.Shape);
        Assert.Equal(6, view.Offset);
        Assert.False(view.IsContiguous);
        for (int e = 0; e < 12; e++)
        {
            int i = e / 6, j = (e / 3) % 2, k = e % 3;
            Assert.Equal((100 * i) + (10 * (j + 2)) + k, storage[view.IndexOfLinear(e)]);
        }
        Assert.Equal(6 + 15 + 6, view.StorageExtent);
    }

    [Fact]
    public void Slice_LeadingAxis_StaysContiguous()
    {
        var view = new Layout(new Shape(4, 3)).Slice(0, 1, 2);
        Assert.True(view.IsContiguous);
        Assert.Equal(3, view.Offset);
        Assert.Equal(new Layout(new Shape(6), [1], 3), view.Reshape(new Shape(6)));
    }

    [Fact]
    public void Reshape_NonContiguousOrWrongCount_Throws()
    {
        var t = new Layout(new Shape(2, 3)).Permute([1, 0]);
        Assert.Throws<InvalidOperationException>(() => t.Reshape(new Shape(6)));
        Assert.Throws<ArgumentException>(() => new Layout(new Shape(2, 3)).Reshape(new Shape(7)));
    }

    [Fact]
    public void Permute_Invalid_Throws()
    {
        var l = new Layout(new Shape(2, 3));
        Assert.Throws<ArgumentException>(() => l.Permute([0, 0]));
        Assert.Throws<ArgumentException>(() => l.Permute([0]));
        Assert.Throws<ArgumentException>(() => l.Permute([0, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.Slice(1, 2, 2));
    }

    [Fact]
    public void IsContiguous_SizeOneDims_IgnoreStride()
    {
        Assert.True(new Layout(new Shape(1, 4), [99, 1], 0).IsContiguous);
        Assert.True(new Layout(new Shape(2, 3)).Permute([0, 1]).IsContiguous);
        Assert.False(new Layout(new Shape(3, 1, 2)).Permute([2, 1, 0]).IsContiguous);
    }

    /// <summary>Row-major storage of a rank-3 tensor with x(i, j, k) = 100i + 10j + k.</summary>
    private static int[] Storage(int a, int b, int c)
    {
        var s = new int[a * b * c];
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                for (int k = 0; k < c; k++)
                {
                    s[(((i * b) + j) * c) + k] = (100 * i) + (10 * j) + k;
                }
            }
        }
        return s;
    }
}
