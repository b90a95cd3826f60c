using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Images;

/// <summary>Converts between 8-bit RGB images and F32 tensors [1, 3, H, W] in [−1, 1] (the VAE's input range).</summary>
public static class ImageTensors
{
    /// <summary>x = v / 127.5 − 1 for every byte v; layout [1, 3, H, W] (planar RGB).</summary>
    public static HostTensor ToTensor(Rgb8Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height, plane = w * h;
        var tensor = new HostTensor(DType.F32, new Shape(1, 3, h, w));
        var data = tensor.AsSpan<float>();
        var rgb = image.Rgb;
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                data[c * plane + p] = (float)(rgb[p * 3 + c] / 127.5 - 1.0);
            }
        }
        return tensor;
    }

    /// <summary>
    /// v = round(clamp((x + 1)·127.5, 0, 255)) (round half to even, as torch) from a float tensor
    /// [1, 3, H, W] or [3, H, W].
    /// </summary>
    /// <exception cref="ArgumentException">Wrong shape, a non-float dtype, or a NaN value.</exception>
    public static Rgb8Image FromTensor(HostTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var s = tensor.Shape;
        bool ok = (s.Rank == 4 && s[0] == 1 && s[1] == 3) || (s.Rank == 3 && s[0] == 3);
        if (!ok || !tensor.DType.IsFloat() || s[-1] == 0 || s[-2] == 0)
        {
            throw new ArgumentException($"image tensor must be a float [1, 3, H, W] or [3, H, W], got {tensor.DType} {s}", nameof(tensor));
        }
        int h = s[-2], w = s[-1], plane = h * w;
        float[] values = tensor.ToFloatArray();
        var rgb = new byte[plane * 3];
        for (int c = 0; c < 3; c++)
        {
            for (int p = 0; p < plane; p++)
            {
                float x = values[c * plane + p];
                if (float.IsNaN(x))
                {
                    throw new ArgumentException($"image tensor has NaN at channel {c}, pixel {p}", nameof(tensor));
                }
                rgb[p * 3 + c] = (byte)Math.Round(Math.Clamp((x + 1.0) * 127.5, 0.0, 255.0), MidpointRounding.ToEven);
            }
        }
        return new Rgb8Image(w, h, rgb);
    }
}
