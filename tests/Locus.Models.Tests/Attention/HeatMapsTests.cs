using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Attention;

public sealed class HeatMapsTests
{
    private static Rgb8Image Grey(int w, int h) => new(w, h, Enumerable.Repeat((byte)100, w * h * 3).ToArray());

    private static byte Jet(double t, double centre, double alpha, byte under) =>
        (byte)Math.Round(((1 - alpha) * under) + (alpha * Math.Clamp(1.5 - Math.Abs((4 * t) - centre), 0, 1) * 255), MidpointRounding.ToEven);

    [Fact]
    public void Render_TwoTokenMap_ColoursMinBlueAndMaxRed()
    {
        // map [1, 2]: left token min, right token max, drawn over a 4×1 image
        var map = HostTensor.FromFloats(new Shape(1, 2), [3f, 7f]);
        var img = HeatMaps.Render(map, Grey(4, 1), 0.5f);
        // bilinear at half-pixel centres: sx = (x + 0.5)·2/4 − 0.5 → clamp → t = 0, 0.25, 0.75, 1
        double[] t = [0, 0.25, 0.75, 1];
        for (int x = 0; x < 4; x++)
        {
            Assert.Equal(Jet(t[x], 3, 0.5, 100), img[x, 0, 0]);
            Assert.Equal(Jet(t[x], 2, 0.5, 100), img[x, 0, 1]);
            Assert.Equal(Jet(t[x], 1, 0.5, 100), img[x, 0, 2]);
        }
        Assert.Equal(Grey(4, 1).Rgb, HeatMaps.Render(map, Grey(4, 1), 0f).Rgb);
    }

    [Fact]
    public void RenderMask_TintsMaskedPixelsOnly()
    {
        var mask = HostTensor.FromFloats(new Shape(2, 2), [1f, 0f, 0f, 1f]);
        var img = HeatMaps.RenderMask(mask, Grey(4, 4), 0.5f);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                bool inside = (y < 2) == (x < 2);
                Assert.Equal(inside ? (byte)178 : (byte)100, img[x, y, 0]);
                Assert.Equal(inside ? (byte)50 : (byte)100, img[x, y, 1]);
            }
        }
    }

    [Fact]
    public void SaveHeatMap_WritesPngOfTheImageSize()
    {
        string dir = Path.Combine(Path.GetTempPath(), "locus-heatmaps-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var map = HostTensor.FromFloats(new Shape(2, 2), [0f, 1f, 2f, 3f]);
            HeatMaps.SaveHeatMap(map, Grey(8, 6), Path.Combine(dir, "map.png"));
            HeatMaps.SaveMaskOverlay(map, Grey(8, 6), Path.Combine(dir, "mask.png"));
            var back = ImageCodec.Load(Path.Combine(dir, "map.png"));
            Assert.Equal((8, 6), (back.Width, back.Height));
            Assert.Equal(HeatMaps.Render(map, Grey(8, 6)).Rgb, back.Rgb);
            Assert.True(File.Exists(Path.Combine(dir, "mask.png")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Render_BadInput_ThrowsTypedErrors()
    {
        Assert.Throws<ArgumentException>(() => HeatMaps.Render(HostTensor.FromFloats(new Shape(4), new float[4]), Grey(2, 2)));
        Assert.Throws<ArgumentException>(() => HeatMaps.Render(HostTensor.FromFloats(new Shape(1, 2), [0f, float.NaN]), Grey(2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeatMaps.RenderMask(HostTensor.FromFloats(new Shape(1, 2), [0f, 1f]), Grey(2, 2), 1.5f));
    }
}
