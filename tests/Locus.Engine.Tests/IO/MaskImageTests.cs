using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class MaskImageTests
{
    [Fact]
    public void SaveThenLoad_QuantisedValues_RoundTripExactly()
    {
        using var dir = new TempDir();
        var values = Enumerable.Range(0, 12).Select(i => (i * 23) / 255f).ToArray();
        MaskImage.Save(HostTensor.FromFloats(new Shape(3, 4), values), dir.File("m.png"));
        var back = MaskImage.Load(dir.File("m.png"));
        Assert.Equal(new Shape(3, 4), back.Shape);
        Assert.Equal(values, back.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Load_RgbMask_UsesRec601Luminance()
    {
        using var dir = new TempDir();
        ImageCodec.SavePng(new Rgb8Image(2, 1, [255, 0, 0, 10, 200, 30]), dir.File("c.png"));
        var m = MaskImage.Load(dir.File("c.png")).AsSpan<float>();
        Assert.Equal((float)(0.299 * 255 / 255.0), m[0], 6);
        Assert.Equal((float)(((0.299 * 10) + (0.587 * 200) + (0.114 * 30)) / 255.0), m[1], 6);
    }

    [Fact]
    public void Save_ClampsOutOfRange()
    {
        using var dir = new TempDir();
        MaskImage.Save(HostTensor.FromFloats(new Shape(1, 2), [-0.5f, 3f]), dir.File("c.png"));
        Assert.Equal([0f, 1f], MaskImage.Load(dir.File("c.png")).AsSpan<float>().ToArray());
    }

    [Fact]
    public void ResizeArea_IntegerFactor_IsBlockMean()
    {
        var rng = new Random(9);
        var src = Enumerable.Range(0, 24).Select(_ => (float)rng.NextDouble()).ToArray();
        var result = MaskImage.ResizeArea(HostTensor.FromFloats(new Shape(4, 6), src), 2, 3).AsSpan<float>();
        for (int y = 0; y < 2; y++)
        {
            for (int x = 0; x < 3; x++)
            {
                double mean = (src[(2 * y * 6) + (2 * x)] + src[(2 * y * 6) + (2 * x) + 1] + src[((2 * y) + 1) * 6 + (2 * x)] + src[((2 * y) + 1) * 6 + (2 * x) + 1]) / 4.0;
                Assert.Equal(mean, result[(y * 3) + x], 6);
            }
        }
    }

    [Fact]
    public void ResizeArea_NonIntegerFactor_PreservesMeanAndRange()
    {
        var rng = new Random(10);
        var src = Enumerable.Range(0, 7 * 5).Select(_ => (float)rng.NextDouble()).ToArray();
        var result = MaskImage.ResizeArea(HostTensor.FromFloats(new Shape(7, 5), src), 3, 2).AsSpan<float>().ToArray();
        Assert.Equal(src.Average(x => (double)x), result.Average(x => (double)x), 5);
        Assert.All(result, v => Assert.InRange(v, src.Min(), src.Max()));
    }

    [Fact]
    public void ResizeArea_Upsample_ReplicatesPixels()
    {
        var result = MaskImage.ResizeArea(HostTensor.FromFloats(new Shape(1, 2), [0.25f, 1f]), 2, 4).AsSpan<float>().ToArray();
        Assert.Equal([0.25f, 0.25f, 1f, 1f, 0.25f, 0.25f, 1f, 1f], result);
    }

    [Fact]
    public void Load_Missing_ThrowsImageFormatException()
    {
        var e = Assert.Throws<ImageFormatException>(() => MaskImage.Load("/nonexistent/mask.png"));
        Assert.StartsWith("/nonexistent/mask.png: ", e.Message, StringComparison.Ordinal);
    }
}
