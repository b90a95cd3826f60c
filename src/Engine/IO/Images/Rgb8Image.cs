namespace Locus.Engine.IO.Images;

/// <summary>An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B.</summary>
public sealed class Rgb8Image
{
    /// <summary>Wraps <paramref name="rgb"/> (not copied); its length must be width × height × 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive size.</exception>
    /// <exception cref="ArgumentException">The buffer length does not match.</exception>
    public Rgb8Image(int width, int height, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.LongLength != (long)width * height * 3)
        {
            throw new ArgumentException($"{rgb.LongLength} bytes for a {width}×{height} RGB image, expected {(long)width * height * 3}", nameof(rgb));
        }
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    /// <summary>A black image.</summary>
    public Rgb8Image(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Interleaved RGB bytes, length Width × Height × 3.</summary>
    public byte[] Rgb { get; }

    /// <summary>Channel <paramref name="channel"/> (0 R, 1 G, 2 B) of pixel (x, y).</summary>
    public byte this[int x, int y, int channel] => Rgb[((y * Width) + x) * 3 + channel];

    public override string ToString() => $"Rgb8Image({Width}×{Height})";
}
