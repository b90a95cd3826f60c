using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class ImageCodecTests
{
    [Fact]
    public void SavePngThenLoad_RandomImage_IsByteExact()
    {
        using var dir = new TempDir();
        var image = RandomImage(37, 23, new Random(7));
        ImageCodec.SavePng(image, dir.File("a.png"));
        var back = ImageCodec.Load(dir.File("a.png"));
        Assert.Equal((37, 23), (back.Width, back.Height));
        Assert.Equal(image.Rgb, back.Rgb);
    }

    [Fact]
    public void Load_GreyPng_ReplicatesToRgb()
    {
        using var dir = new TempDir();
        var mask = HostTensor.FromFloats(new Shape(1, 3), [0f, 128 / 255f, 1f]);
        MaskImage.Save(mask, dir.File("g.png"));
        var image = ImageCodec.Load(dir.File("g.png"));
        Assert.Equal(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255 }, image.Rgb);
    }

    [Fact]
    public void ToTensor_AllBytes_MapsToMinusOneToOnePlanar()
    {
        var rgb = Enumerable.Range(0, 256 * 3).Select(i => (byte)(i / 3)).ToArray();
        rgb[1] = 255; // pixel 0: R=0, G=255, B=0
        var image = new Rgb8Image(16, 16, rgb);
        var t = ImageTensors.ToTensor(image);
        Assert.Equal(new Shape(1, 3, 16, 16), t.Shape);
        var v = t.AsSpan<float>();
        Assert.Equal(-1f, v[0]);
        Assert.Equal(1f, v[256]);
        Assert.Equal(-1f, v[512]);
        for (int p = 1; p < 256; p++)
        {
            // Pixel p (x = p % 16, y = p / 16) has value p in every channel.
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal((float)((p / 127.5) - 1.0), v[(c * 256) + p]);
            }
        }
        Assert.All(v.ToArray(), x => Assert.InRange(x, -1f, 1f));
        Assert.Equal(image.Rgb, ImageTensors.FromTensor(t).Rgb);
    }

    [Fact]
    public void FromTensor_OutOfRange_ClampsAndRounds()
    {
        // (x + 1)·127.5: 2 -> 382.5 -> 255; -3 -> 0; 0 -> 127.5 -> 128 (ties to even); 0.01 -> 128.775 -> 129.
        var t = HostTensor.FromFloats(new Shape(3, 1, 2), [2f, -3f, 0f, 0.01f, -1f, 1f]);
        var image = ImageTensors.FromTensor(t);
        Assert.Equal((2, 1), (image.Width, image.Height));
        Assert.Equal(new byte[] { 255, 128, 0, 0, 129, 255 }, image.Rgb);
    }

    [Fact]
    public void FromTensor_NaNOrBadShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => ImageTensors.FromTensor(HostTensor.FromFloats(new Shape(3, 1, 1), [0f, float.NaN, 0f])));
        Assert.Throws<ArgumentException>(() => ImageTensors.FromTensor(new HostTensor(DType.F32, new Shape(1, 4, 2, 2))));
        Assert.Throws<ArgumentException>(() => ImageTensors.FromTensor(new HostTensor(DType.I32, new Shape(3, 2, 2))));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("missing")]
    [InlineData("corrupt-body")]
    public void Load_BadFile_ThrowsImageFormatExceptionNamingFile(string kind)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.png");
        ImageCodec.SavePng(RandomImage(64, 64, new Random(3)), dir.File("good.png"));
        byte[] good = File.ReadAllBytes(dir.File("good.png"));
        switch (kind)
        {
            case "garbage":
                var noise = new byte[500];
                new Random(1).NextBytes(noise);
                File.WriteAllBytes(path, noise);
                break;
            case "truncated":
                File.WriteAllBytes(path, good[..(good.Length / 2)]);
                break;
            case "text":
                File.WriteAllText(path, "not an image at all");
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "corrupt-body":
                var corrupt = (byte[])good.Clone();
                for (int i = 40; i < corrupt.Length - 20; i += 7)
                {
                    corrupt[i] ^= 0x5A;
                }
                File.WriteAllBytes(path, corrupt);
                break;
        }
        var e = Assert.Throws<ImageFormatException>(() => ImageCodec.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Bmp_Decodes()
    {
        using var dir = new TempDir();
        var image = RandomImage(5, 3, new Random(11));
        using (var s = File.Create(dir.File("a.bmp")))
        {
            new StbImageWriteSharp.ImageWriter().WriteBmp(image.Rgb, 5, 3, StbImageWriteSharp.ColorComponents.RedGreenBlue, s);
        }
        Assert.Equal(image.Rgb, ImageCodec.Load(dir.File("a.bmp")).Rgb);
    }

    [Fact]
    public void Load_Jpeg_DecodesCloseToSource()
    {
        using var dir = new TempDir();
        // Smooth content: JPEG at quality 95 stays within a few levels of it.
        var rgb = new byte[32 * 16 * 3];
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                int p = ((y * 32) + x) * 3;
                (rgb[p], rgb[p + 1], rgb[p + 2]) = ((byte)(x * 8), (byte)(y * 16), (byte)128);
            }
        }
        using (var s = File.Create(dir.File("a.jpg")))
        {
            new StbImageWriteSharp.ImageWriter().WriteJpg(rgb, 32, 16, StbImageWriteSharp.ColorComponents.RedGreenBlue, s, 95);
        }
        var back = ImageCodec.Load(dir.File("a.jpg"));
        Assert.Equal((32, 16), (back.Width, back.Height));
        double meanError = rgb.Zip(back.Rgb, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 4, $"mean |error| {meanError}");
    }

    internal static Rgb8Image RandomImage(int width, int height, Random rng)
    {
        var rgb = new byte[width * height * 3];
        rng.NextBytes(rgb);
        return new Rgb8Image(width, height, rgb);
    }
}
