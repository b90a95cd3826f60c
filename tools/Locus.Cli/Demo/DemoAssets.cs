using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;

namespace Locus.Cli.Demo;

/// <summary>Procedural demo inputs: a sample picture (sky, ground, sun, house) and an ellipse mask, both deterministic.</summary>
public static class DemoAssets
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> RGB scene.</summary>
    public static Rgb8Image SampleImage(int width = 192, int height = 128)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = x / (double)width, v = y / (double)height;
                (double r, double g, double b) = v < 0.62 ? (90 + (80 * v), 150 + (60 * v), 235) : (70 + (40 * u), 140 - (30 * v), 60);
                if (Math.Pow(u - 0.8, 2) + Math.Pow((v - 0.2) * height / width, 2) < 0.006)
                {
                    (r, g, b) = (255, 215, 60);                    // sun
                }
                if (u is > 0.25 and < 0.5 && v is > 0.4 and < 0.75)
                {
                    (r, g, b) = (180, 70, 50);                     // house
                }
                if (u is > 0.33 and < 0.41 && v is > 0.58 and < 0.75)
                {
                    (r, g, b) = (90, 50, 30);                      // door
                }
                int i = ((y * width) + x) * 3;
                rgb[i] = (byte)Math.Clamp(r, 0, 255);
                rgb[i + 1] = (byte)Math.Clamp(g, 0, 255);
                rgb[i + 2] = (byte)Math.Clamp(b, 0, 255);
            }
        }
        return new Rgb8Image(width, height, rgb);
    }

    /// <summary>Soft-edged ellipse mask [H, W] (1 inside) centred at (cx, cy) with radii (rx, ry), all as fractions of the size.</summary>
    public static HostTensor EllipseMask(int width, int height, double cx = 0.38, double cy = 0.55, double rx = 0.2, double ry = 0.3)
    {
        var m = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = ((x + 0.5) / width - cx) / rx, dy = ((y + 0.5) / height - cy) / ry;
                m[(y * width) + x] = dx * dx + dy * dy <= 1 ? 1f : 0f;
            }
        }
        return HostTensor.FromFloats(new Shape(height, width), m);
    }
}
