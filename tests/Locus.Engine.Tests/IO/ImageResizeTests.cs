using Locus.Engine.IO.Images;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class ImageResizeTests
{
    [Theory]
    [InlineData(37, 23, 16, 16)]
    [InlineData(37, 23, 80, 51)]
    [InlineData(1, 1, 7, 3)]
    [InlineData(300, 200, 3, 2)]
    public void Resize_ConstantImage_StaysConstant(int w, int h, int tw, int th)
    {
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)200, (byte)17, (byte)255);
        }
        var result = ImageResize.Resize(new Rgb8Image(w, h, rgb), tw, th);
        Assert.Equal((tw, th), (result.Width, result.Height));
        for (int i = 0; i < result.Rgb.Length; i += 3)
        {
            Assert.Equal((200, 17, 255), (result.Rgb[i], result.Rgb[i + 1], result.Rgb[i + 2]));
        }
    }

    [Fact]
    public void Resize_ColumnOnlyContent_KeepsRowsIdentical()
    {
        // A horizontal ramp has no vertical variation, so every output row must be equal.
        int w = 50, h = 20;
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                rgb[(y * w + x) * 3] = (byte)(x * 5);
            }
        }
        var r = ImageResize.Resize(new Rgb8Image(w, h, rgb), 33, 9);
        for (int y = 1; y < r.Height; y++)
        {
            Assert.Equal(r.Rgb.AsSpan(0, 33 * 3).ToArray(), r.Rgb.AsSpan(y * 33 * 3, 33 * 3).ToArray());
        }
        // And a ramp stays monotonic away from the clamped edges.
        for (int x = 4; x < 29; x++)
        {
            Assert.True(r.Rgb[(x + 1) * 3] >= r.Rgb[x * 3], $"x={x}");
        }
    }

    [Fact]
    public void Resize_SameSize_ReturnsEqualCopy()
    {
        var image = ImageCodecTests.RandomImage(9, 4, new Random(5));
        var r = ImageResize.Resize(image, 9, 4);
        Assert.NotSame(image.Rgb, r.Rgb);
        Assert.Equal(image.Rgb, r.Rgb);
    }

    [Theory]
    [InlineData(100, 50, 96, 48)]
    [InlineData(1000, 667, 1008, 672)]
    [InlineData(5, 5, 16, 16)]
    [InlineData(1024, 768, 1024, 768)]
    [InlineData(24, 40, 32, 48)]
    public void MultipleOfSize_RoundsEachSideToNearestMultiple(int w, int h, int ew, int eh)
    {
        Assert.Equal((ew, eh), ImageResize.MultipleOfSize(w, h, 16));
        var image = ImageResize.ToMultipleOf(new Rgb8Image(w, h), 16);
        Assert.Equal((ew, eh), (image.Width, image.Height));
    }

    [Fact]
    public void Resize_NonPositiveSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResize.Resize(new Rgb8Image(2, 2), 0, 2));
}
