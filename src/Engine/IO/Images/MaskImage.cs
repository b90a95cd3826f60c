using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Images;

/// <summary>Edit masks as F32 tensors [H, W] in [0, 1] (1 = edit). Files are 8-bit grey or RGB images.</summary>
public static class MaskImage
{
    /// <summary>Loads a mask; RGB pixels become luminance m = (0.299·R + 0.587·G + 0.114·B) / 255 (ITU-R 601), grey pixels v / 255.</summary>
    /// <exception cref="ImageFormatException">Missing, corrupt or unsupported file.</exception>
    public static HostTensor Load(string path)
    {
        var image = ImageCodec.Load(path);
        int plane = image.Width * image.Height;
        var mask = new HostTensor(DType.F32, new Shape(image.Height, image.Width));
        var m = mask.AsSpan<float>();
        var rgb = image.Rgb;
        for (int p = 0; p < plane; p++)
        {
            byte r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
            m[p] = r == g && g == b ? r / 255f : (float)((0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
        }
        return mask;
    }

    /// <summary>Saves a float mask [H, W] (or [1, 1, H, W]) as an 8-bit grey PNG: round(clamp(m, 0, 1)·255).</summary>
    /// <exception cref="ArgumentException">Wrong rank/dtype or NaN values.</exception>
    public static void Save(HostTensor mask, string path)
    {
        var (h, w) = CheckMask(mask, nameof(mask));
        float[] values = mask.ToFloatArray();
        var grey = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                throw new ArgumentException($"mask has NaN at index {i}", nameof(mask));
            }
            grey[i] = (byte)Math.Round(Math.Clamp(values[i], 0.0, 1.0) * 255.0, MidpointRounding.ToEven);
        }
        ImageCodec.SaveGreyPng(grey, w, h, path);
    }

    /// <summary>
    /// Area resampling to [<paramref name="height"/>, <paramref name="width"/>]: each output pixel is the
    /// overlap-weighted mean of the source pixels its footprint covers (exact box averaging for
    /// integer factors, e.g. a 2×2 block mean when halving). Works for up- and downsampling.
    /// </summary>
    public static HostTensor ResizeArea(HostTensor mask, int height, int width)
    {
        var (sh, sw) = CheckMask(mask, nameof(mask));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        float[] src = mask.ToFloatArray();
        var (yIndex, yWeight) = Footprints(sh, height);
        var (xIndex, xWeight) = Footprints(sw, width);
        var result = new HostTensor(DType.F32, new Shape(height, width));
        var dst = result.AsSpan<float>();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int a = 0; a < yIndex[y].Length; a++)
                {
                    for (int b = 0; b < xIndex[x].Length; b++)
                    {
                        sum += yWeight[y][a] * xWeight[x][b] * src[yIndex[y][a] * sw + xIndex[x][b]];
                    }
                }
                dst[y * width + x] = (float)sum;
            }
        }
        return result;
    }

    /// <summary>For each target cell, the source cells it overlaps and the overlap fractions (summing to 1).</summary>
    private static (int[][] Index, double[][] Weight) Footprints(int source, int target)
    {
        var index = new int[target][];
        var weight = new double[target][];
        double scale = source / (double)target;
        for (int i = 0; i < target; i++)
        {
            double lo = i * scale, hi = (i + 1) * scale;
            int first = (int)Math.Floor(lo), last = Math.Min(source - 1, (int)Math.Ceiling(hi) - 1);
            var idx = new List<int>();
            var wts = new List<double>();
            for (int s = first; s <= last; s++)
            {
                double overlap = Math.Min(hi, s + 1) - Math.Max(lo, s);
                if (overlap > 0)
                {
                    idx.Add(s);
                    wts.Add(overlap / scale);
                }
            }
            index[i] = idx.ToArray();
            weight[i] = wts.ToArray();
        }
        return (index, weight);
    }

    private static (int Height, int Width) CheckMask(HostTensor mask, string argument)
    {
        ArgumentNullException.ThrowIfNull(mask, argument);
        var s = mask.Shape;
        bool ok = s.Rank == 2 || (s.Rank == 4 && s[0] == 1 && s[1] == 1);
        if (!ok || !mask.DType.IsFloat() || s[-1] == 0 || s[-2] == 0)
        {
            throw new ArgumentException($"mask must be a float [H, W] or [1, 1, H, W], got {mask.DType} {s}", argument);
        }
        return (s[-2], s[-1]);
    }
}
