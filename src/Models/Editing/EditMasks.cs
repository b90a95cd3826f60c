using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>Mask helpers of the pipeline: user mask → token grid, FlowBlend on packed latents, pixel composite.</summary>
internal static class EditMasks
{
    /// <summary>Relative aspect-ratio tolerance between a user mask and the source image.</summary>
    public const double AspectTolerance = 0.02;

    /// <summary>
    /// User mask [Hm, Wm] → token grid [gh, gw] by area averaging, then optional threshold. The mask must have the
    /// source image's aspect ratio (±2 %) or exactly the processed size (<paramref name="processedWidth"/> × <paramref name="processedHeight"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The mask's aspect ratio differs from the image's by more than 2 %.</exception>
    public static HostTensor ToTokenGrid(HostTensor mask, int imageWidth, int imageHeight, int processedWidth, int processedHeight,
        int gridHeight, int gridWidth, float? threshold)
    {
        int mh = mask.Shape[0], mw = mask.Shape[1];
        double imageAspect = imageWidth / (double)imageHeight, maskAspect = mw / (double)mh;
        bool processedSize = mw == processedWidth && mh == processedHeight;
        if (!processedSize && Math.Abs(maskAspect / imageAspect - 1.0) > AspectTolerance)
        {
            throw new ArgumentException($"mask is {mw}×{mh} (aspect {maskAspect:0.###}) but the image is {imageWidth}×{imageHeight} (aspect {imageAspect:0.###}); they must match", "Mask");
        }
        var grid = MaskImage.ResizeArea(mask, gridHeight, gridWidth);
        if (threshold is { } t)
        {
            var s = grid.AsSpan<float>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = s[i] >= t ? 1f : 0f;
            }
        }
        return grid;
    }

    /// <summary>Nearest upsampling of a token grid [gh, gw] to pixels [gh·cell, gw·cell].</summary>
    public static HostTensor ToPixels(HostTensor grid, int cell)
    {
        int gh = grid.Shape[0], gw = grid.Shape[1], h = gh * cell, w = gw * cell;
        var src = grid.AsSpan<float>();
        var result = new HostTensor(DType.F32, new Shape(h, w));
        var dst = result.AsSpan<float>();
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                dst[y * w + x] = src[y / cell * gw + x / cell];
            }
        }
        return result;
    }

    /// <summary>
    /// FlowBlend on packed target latents x [N·C4] (in place): x ← (1 − m)·src + m·x with src = σ·ε + (1 − σ)·x0,
    /// or src = x0 when <paramref name="last"/>; m per token. Tokens with m = 0 become src exactly.
    /// </summary>
    public static void Blend(Span<float> x, ReadOnlySpan<float> x0, ReadOnlySpan<float> noise, ReadOnlySpan<float> tokenMask, float sigma, bool last)
    {
        int channels = x.Length / tokenMask.Length;
        for (int t = 0; t < tokenMask.Length; t++)
        {
            float m = tokenMask[t];
            for (int c = t * channels, end = c + channels; c < end; c++)
            {
                float src = last ? x0[c] : (sigma * noise[c]) + ((1f - sigma) * x0[c]);
                x[c] = m == 0f ? src : m == 1f ? x[c] : ((1f - m) * src) + (m * x[c]);
            }
        }
    }

    /// <summary>Pixel composite: out = m·edited + (1 − m)·source per pixel (rounded to bytes).</summary>
    public static Rgb8Image Composite(Rgb8Image edited, Rgb8Image source, HostTensor pixelMask)
    {
        var m = pixelMask.AsSpan<float>();
        var rgb = new byte[edited.Rgb.Length];
        for (int p = 0; p < m.Length; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                int i = p * 3 + c;
                rgb[i] = (byte)Math.Clamp(Math.Round((m[p] * edited.Rgb[i]) + ((1f - m[p]) * source.Rgb[i])), 0, 255);
            }
        }
        return new Rgb8Image(edited.Width, edited.Height, rgb);
    }
}
