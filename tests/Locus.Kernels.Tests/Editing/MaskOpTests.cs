using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Kernels.Tests.Editing;

/// <summary>Mask ops on hand-derivable inputs, on both host backends.</summary>
public sealed class MaskOpTests
{
    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Dilate_SinglePixelEllipticalRadius2_GivesDiscOf13(string backend)
    {
        var y = Morph(backend, OpKind.Dilate, Pixel(9, 9, 4, 4), 9, 9, 2, elliptical: true);
        Assert.Equal(13, y.Count(v => v == 1f));
        for (int r = 0; r < 9; r++)
        {
            for (int c = 0; c < 9; c++)
            {
                int dy = r - 4, dx = c - 4;
                Assert.Equal(dy * dy + dx * dx <= 4 ? 1f : 0f, y[r * 9 + c]);
            }
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Dilate_CornerPixelSquareRadius1_Gives2x2InsideTheMap(string backend)
    {
        var y = Morph(backend, OpKind.Dilate, Pixel(5, 6, 0, 0), 5, 6, 1, elliptical: false);
        Assert.Equal(4, y.Count(v => v == 1f));
        Assert.True(y[0] == 1f && y[1] == 1f && y[6] == 1f && y[7] == 1f);
    }

    [Theory]
    [InlineData("reference", false, 1)]
    [InlineData("cpu", false, 1)]
    [InlineData("reference", true, 2)]
    [InlineData("cpu", true, 2)]
    [InlineData("cpu", true, 3)]
    public void Erode_OfDilatedPixel_GivesBackThePixel(string backend, bool elliptical, int radius)
    {
        var dilated = Morph(backend, OpKind.Dilate, Pixel(11, 11, 5, 5), 11, 11, radius, elliptical);
        var y = Morph(backend, OpKind.Erode, dilated, 11, 11, radius, elliptical);
        Assert.Equal(Pixel(11, 11, 5, 5), y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Erode_FullMap_StaysFullBecauseOutsideCountsAsSet(string backend)
    {
        var full = Enumerable.Repeat(1f, 7 * 5).ToArray();
        Assert.Equal(full, Morph(backend, OpKind.Erode, full, 7, 5, 3, elliptical: false));
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Erode_SquareRadius1_Shrinks4x4BlockTo2x2(string backend)
    {
        var x = new float[8 * 8];
        for (int r = 2; r < 6; r++)
        {
            for (int c = 2; c < 6; c++)
            {
                x[r * 8 + c] = 0.9f; // > 0.5 counts as set
            }
        }
        var y = Morph(backend, OpKind.Erode, x, 8, 8, 1, elliptical: false);
        var expected = new float[64];
        foreach (int i in new[] { 3 * 8 + 3, 3 * 8 + 4, 4 * 8 + 3, 4 * 8 + 4 })
        {
            expected[i] = 1f;
        }
        Assert.Equal(expected, y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Dilate_ValueExactlyHalf_IsNotSet(string backend)
    {
        var x = Pixel(3, 3, 1, 1);
        x[4] = 0.5f;
        Assert.All(Morph(backend, OpKind.Dilate, x, 3, 3, 1, elliptical: false), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void LargestComponent_ConstructedMap_KeepsOnlyTheLargest4ConnectedBlob(string backend)
    {
        // A: 5-pixel L (top left). B: 6-pixel bar (bottom). C: 7 pixels but only diagonally linked (4 + 3), so not one component.
        string[] map =
        [
            "A.......",
            "A...C...",
            "AAA.CC..",
            "......C.",
            "......CC",
            "BBBBBB..",
        ];
        var x = map.SelectMany(row => row.Select(ch => ch == '.' ? 0f : 1f)).ToArray();
        var expected = map.SelectMany(row => row.Select(ch => ch == 'B' ? 1f : 0f)).ToArray();
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g => [g.LargestComponent(g.Input("x", DType.F32, new Shape(1, 6, 8)))], ("x", x))[0];
        Assert.Equal(expected, y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void BilinearUpsample_2x2To4x4_MatchesHalfPixelFormula(string backend)
    {
        // PyTorch interpolate(mode='bilinear', align_corners=False) of [[1, 2], [3, 4]] to 4×4.
        float[] expected =
        [
            1f, 1.25f, 1.75f, 2f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.5f, 2.75f, 3.25f, 3.5f,
            3f, 3.25f, 3.75f, 4f,
        ];
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g => [g.BilinearUpsample(g.Input("x", DType.F32, new Shape(1, 2, 2)), 4, 4)], ("x", [1f, 2f, 3f, 4f]))[0];
        Assert.Equal(expected, y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void GaussianBlur3_Impulse_GivesKernelOver16(string backend)
    {
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g => [g.GaussianBlur3(g.Input("x", DType.F32, new Shape(5, 5)))], ("x", Pixel(5, 5, 2, 2)))[0];
        for (int r = 0; r < 5; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                int dy = Math.Abs(r - 2), dx = Math.Abs(c - 2);
                float expected = dy > 1 || dx > 1 ? 0f : (2 - dy) * (2 - dx) / 16f;
                Assert.Equal(expected, y[r * 5 + c]);
            }
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void MinMaxNormalize_PerMap_ScalesToUnitRangeAndConstantToZero(string backend)
    {
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g => [g.MinMaxNormalize(g.Input("x", DType.F32, new Shape(2, 1, 3)))], ("x", [2f, 4f, 6f, 7f, 7f, 7f]))[0];
        Assert.Equal(new[] { 0f, 0.5f, 1f, 0f, 0f, 0f }, y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void AreaDownsample_2x2Blocks_GiveBlockMeans(string backend)
    {
        using var b = Backends.Create(backend);
        float[] x = [1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f];
        var y = EditingTestHelpers.Run(b, g => [g.AreaDownsample(g.Input("x", DType.F32, new Shape(2, 4)), 2, 2)], ("x", x))[0];
        Assert.Equal(new[] { 2.5f, 6.5f }, y);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void TopK_Ties_KeepLowerIndexFirst(string backend)
    {
        using var b = Backends.Create(backend);
        float[] x = [3f, 1f, 3f, 2f, 3f, float.NaN, 1f];
        var y = EditingTestHelpers.Run(b, g => [g.TopK(g.Input("x", DType.F32, new Shape(1, 7)), 7)], ("x", x))[0];
        Assert.Equal(new[] { 0f, 2f, 4f, 3f, 1f, 6f, 5f }, y);
        var y4 = EditingTestHelpers.Run(b, g => [g.TopK(g.Input("x", DType.F32, new Shape(1, 7)), 4)], ("x", x))[0];
        Assert.Equal(new[] { 0f, 2f, 4f, 3f }, y4);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void TopK_AllEqualLargeK_GivesAscendingIndices(string backend)
    {
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g => [g.TopK(g.Input("x", DType.F32, new Shape(60)), 40)], ("x", Enumerable.Repeat(0.5f, 60).ToArray()))[0];
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), y);
    }

    private static float[] Pixel(int h, int w, int r, int c)
    {
        var x = new float[h * w];
        x[r * w + c] = 1f;
        return x;
    }

    private static float[] Morph(string backend, OpKind op, float[] x, int h, int w, int radius, bool elliptical)
    {
        using var b = Backends.Create(backend);
        return EditingTestHelpers.Run(b, g =>
        {
            var input = g.Input("x", DType.F32, new Shape(1, h, w));
            return [op == OpKind.Dilate ? g.Dilate(input, radius, elliptical) : g.Erode(input, radius, elliptical)];
        }, ("x", x))[0];
    }
}
