namespace Locus.Engine.IO.Images;

/// <summary>
/// Separable Lanczos-3 resampling (PIL's <c>Image.LANCZOS</c> scheme: the kernel is widened by the
/// scale factor when downsampling, so it antialiases; weights are normalised per output pixel, so a
/// constant image stays constant). Edge pixels are clamped.
/// </summary>
public static class ImageResize
{
    private const double Support = 3.0;

    /// <summary>Resizes to <paramref name="width"/> × <paramref name="height"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive size.</exception>
    public static Rgb8Image Resize(Rgb8Image image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == image.Width && height == image.Height)
        {
            return new Rgb8Image(width, height, (byte[])image.Rgb.Clone());
        }
        // Horizontal pass: [H, W, 3] -> [H, width, 3] in double, then vertical -> [height, width, 3].
        var horizontal = new double[image.Height * width * 3];
        var (xStart, xWeights) = Weights(image.Width, width);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var wts = xWeights[x];
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < wts.Length; k++)
                    {
                        int sx = Math.Clamp(xStart[x] + k, 0, image.Width - 1);
                        sum += wts[k] * image.Rgb[(y * image.Width + sx) * 3 + c];
                    }
                    horizontal[(y * width + x) * 3 + c] = sum;
                }
            }
        }
        var result = new byte[height * width * 3];
        var (yStart, yWeights) = Weights(image.Height, height);
        for (int y = 0; y < height; y++)
        {
            var wts = yWeights[y];
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int k = 0; k < wts.Length; k++)
                    {
                        int sy = Math.Clamp(yStart[y] + k, 0, image.Height - 1);
                        sum += wts[k] * horizontal[(sy * width + x) * 3 + c];
                    }
                    result[(y * width + x) * 3 + c] = (byte)Math.Clamp(Math.Round(sum), 0, 255);
                }
            }
        }
        return new Rgb8Image(width, height, result);
    }

    /// <summary>
    /// Size policy for the VAE: each side becomes the nearest multiple of <paramref name="multiple"/>
    /// (at least one multiple), i.e. max(m, round(side / m)·m), so the aspect ratio is kept up to
    /// rounding. Returns a copy unchanged when both sides already fit.
    /// </summary>
    public static Rgb8Image ToMultipleOf(Rgb8Image image, int multiple = 16)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(multiple);
        var (w, h) = MultipleOfSize(image.Width, image.Height, multiple);
        return Resize(image, w, h);
    }

    /// <summary>The size <see cref="ToMultipleOf"/> chooses.</summary>
    public static (int Width, int Height) MultipleOfSize(int width, int height, int multiple = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(multiple);
        return (Nearest(width, multiple), Nearest(height, multiple));

        static int Nearest(int side, int m) => Math.Max(m, (int)Math.Round(side / (double)m, MidpointRounding.AwayFromZero) * m);
    }

    /// <summary>Per output index: the first source index and the normalised Lanczos weights.</summary>
    private static (int[] Start, double[][] Weights) Weights(int source, int target)
    {
        double scale = source / (double)target;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        var start = new int[target];
        var weights = new double[target][];
        for (int i = 0; i < target; i++)
        {
            double center = (i + 0.5) * scale;
            int lo = (int)Math.Floor(center - support);
            int hi = (int)Math.Ceiling(center + support);
            var w = new double[hi - lo + 1];
            double total = 0;
            for (int k = 0; k < w.Length; k++)
            {
                w[k] = Lanczos((lo + k + 0.5 - center) / filterScale);
                total += w[k];
            }
            for (int k = 0; k < w.Length; k++)
            {
                w[k] /= total;
            }
            start[i] = lo;
            weights[i] = w;
        }
        return (start, weights);
    }

    private static double Lanczos(double x)
    {
        x = Math.Abs(x);
        if (x < 1e-12)
        {
            return 1.0;
        }
        if (x >= Support)
        {
            return 0.0;
        }
        double px = Math.PI * x;
        return Support * Math.Sin(px) * Math.Sin(px / Support) / (px * px);
    }
}
