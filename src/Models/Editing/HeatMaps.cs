using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// PNG views of attention maps and masks over the source image (<c>--save-maps DIR</c>, <c>--save-mask</c>): a token-grid
/// map [gh, gw] is min-max normalised, bilinearly resampled to the image size (half-pixel centres, clamped borders),
/// coloured with a jet ramp and alpha-blended over the image; a binary mask is shown as a red tint on its pixels.
/// </summary>
public static class HeatMaps
{
    /// <summary>Heat map of <paramref name="map"/> [gh, gw] (or [1, gh, gw]) blended over <paramref name="source"/> with opacity <paramref name="alpha"/>.</summary>
    /// <exception cref="ArgumentException">Wrong rank or a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> outside [0, 1].</exception>
    public static Rgb8Image Render(HostTensor map, Rgb8Image source, float alpha = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (v, gh, gw) = Grid(map, nameof(map), alpha);
        double min = v.Min(), max = v.Max(), range = max - min;
        var norm = v.Select(x => range > 0 ? (float)((x - min) / range) : 0f).ToArray();
        var up = Resample(norm, gh, gw, source.Width, source.Height);
        var rgb = new byte[source.Rgb.Length];
        for (int p = 0; p < up.Length; p++)
        {
            float t = up[p];
            ReadOnlySpan<float> color = [Ramp(t, 3f), Ramp(t, 2f), Ramp(t, 1f)];
            for (int c = 0; c < 3; c++)
            {
                rgb[(p * 3) + c] = Blend(source.Rgb[(p * 3) + c], color[c] * 255f, alpha);
            }
        }
        return new Rgb8Image(source.Width, source.Height, rgb);
    }

    /// <summary>Mask overlay: pixels whose nearest token has mask ≥ 0.5 are tinted red with opacity <paramref name="alpha"/>; others are unchanged.</summary>
    /// <exception cref="ArgumentException">Wrong rank or a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> outside [0, 1].</exception>
    public static Rgb8Image RenderMask(HostTensor mask, Rgb8Image source, float alpha = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (v, gh, gw) = Grid(mask, nameof(mask), alpha);
        int w = source.Width, h = source.Height;
        var rgb = (byte[])source.Rgb.Clone();
        for (int y = 0; y < h; y++)
        {
            int ty = Math.Min(gh - 1, (int)((long)y * gh / h));
            for (int x = 0; x < w; x++)
            {
                int tx = Math.Min(gw - 1, (int)((long)x * gw / w));
                if (v[(ty * gw) + tx] >= 0.5f)
                {
                    int p = ((y * w) + x) * 3;
                    rgb[p] = Blend(rgb[p], 255f, alpha);
                    rgb[p + 1] = Blend(rgb[p + 1], 0f, alpha);
                    rgb[p + 2] = Blend(rgb[p + 2], 0f, alpha);
                }
            }
        }
        return new Rgb8Image(w, h, rgb);
    }

    /// <summary>Writes <see cref="Render"/> as a PNG.</summary>
    /// <exception cref="ArgumentException">See <see cref="Render"/>.</exception>
    public static void SaveHeatMap(HostTensor map, Rgb8Image source, string path, float alpha = 0.5f) => ImageCodec.SavePng(Render(map, source, alpha), path);

    /// <summary>Writes <see cref="RenderMask"/> as a PNG.</summary>
    /// <exception cref="ArgumentException">See <see cref="RenderMask"/>.</exception>
    public static void SaveMaskOverlay(HostTensor mask, Rgb8Image source, string path, float alpha = 0.5f) => ImageCodec.SavePng(RenderMask(mask, source, alpha), path);

    /// <summary>Jet ramp channel: clamp(1.5 − |4t − centre|, 0, 1) (centre 3 red, 2 green, 1 blue).</summary>
    private static float Ramp(float t, float centre) => Math.Clamp(1.5f - Math.Abs((4f * t) - centre), 0f, 1f);

    private static byte Blend(byte under, float over, float alpha) => (byte)Math.Clamp(MathF.Round(((1f - alpha) * under) + (alpha * over)), 0f, 255f);

    private static (float[] Values, int Height, int Width) Grid(HostTensor map, string name, float alpha)
    {
        ArgumentNullException.ThrowIfNull(map, name);
        if (!(alpha >= 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "overlay opacity must be in [0, 1]");
        }
        var s = map.Shape;
        if (!(s.Rank == 2 || (s.Rank == 3 && s[0] == 1)))
        {
            throw new ArgumentException($"{name} {s} must be a token grid [gh, gw] (or [1, gh, gw])", name);
        }
        var v = map.ToFloatArray();
        int bad = Array.FindIndex(v, x => !float.IsFinite(x));
        if (bad >= 0)
        {
            throw new ArgumentException($"{name} has a non-finite value {v[bad]} at flat index {bad}", name);
        }
        return (v, s[-2], s[-1]);
    }

    /// <summary>Bilinear resampling [gh, gw] → [h, w], half-pixel centres, clamped borders.</summary>
    private static float[] Resample(float[] v, int gh, int gw, int w, int h)
    {
        var r = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            double sy = Math.Clamp(((y + 0.5) * gh / h) - 0.5, 0, gh - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, gh - 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++)
            {
                double sx = Math.Clamp(((x + 0.5) * gw / w) - 0.5, 0, gw - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, gw - 1);
                double fx = sx - x0;
                double top = (v[(y0 * gw) + x0] * (1 - fx)) + (v[(y0 * gw) + x1] * fx);
                double bottom = (v[(y1 * gw) + x0] * (1 - fx)) + (v[(y1 * gw) + x1] * fx);
                r[(y * w) + x] = (float)((top * (1 - fy)) + (bottom * fy));
            }
        }
        return r;
    }
}
