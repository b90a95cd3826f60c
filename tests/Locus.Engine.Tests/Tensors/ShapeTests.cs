using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Tensors;

public sealed class ShapeTests
{
    [Fact]
    public void Shape_Basics_CountsStridesAndFormatting()
    {
        var s = new Shape(2, 3, 4);
        Assert.Equal(3, s.Rank);
        Assert.Equal(24, s.ElementCount);
        Assert.Equal(6, s.RowCount);
        Assert.Equal([12L, 4L, 1L], s.ContiguousStrides());
        Assert.Equal(4, s[-1]);
        Assert.Equal("[2, 3, 4]", s.ToString());
        Assert.Equal(new Shape(2, 5, 4), s.With(1, 5));
        Assert.Equal(2, s.Axis(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Axis(3));
    }

    [Fact]
    public void Shape_ScalarAndEmpty_HaveExpectedCounts()
    {
        Assert.Equal(1, new Shape().ElementCount);
        Assert.Equal(0, new Shape().Rank);
        Assert.Equal("[]", new Shape().ToString());
        Assert.Equal(0, new Shape(3, 0, 2).ElementCount);
    }

    [Fact]
    public void Shape_Invalid_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Shape(2, -1));
        Assert.Throws<ArgumentException>(() => new Shape(1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public void Shape_Equality_IsByValue()
    {
        Assert.Equal(new Shape(2, 3), new Shape([2, 3]));
        Assert.NotEqual(new Shape(2, 3), new Shape(3, 2));
        Assert.Equal(new Shape(2, 3).GetHashCode(), new Shape(2, 3).GetHashCode());
        Assert.True(new Shape() == default);
    }
}
