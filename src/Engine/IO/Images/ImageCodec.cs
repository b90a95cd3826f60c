using StbImageSharp;
using StbImageWriteSharp;

namespace Locus.Engine.IO.Images;

/// <summary>Decodes PNG, JPEG and BMP (StbImageSharp) and encodes PNG (StbImageWriteSharp). Alpha is dropped; grey is replicated to RGB.</summary>
public static class ImageCodec
{
    /// <summary>Largest accepted side in pixels (guards against decompression bombs).</summary>
    public const int MaxSide = 16384;

    /// <summary>Largest accepted pixel count.</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>Loads an image as RGB.</summary>
    /// <exception cref="ImageFormatException">Missing, corrupt, truncated, too large or unsupported (message names the file).</exception>
    public static Rgb8Image Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var result = Decode(path, StbImageSharp.ColorComponents.RedGreenBlue);
        return new Rgb8Image(result.Width, result.Height, result.Data);
    }

    /// <summary>Writes <paramref name="image"/> as an 8-bit RGB PNG (replacing the file).</summary>
    public static void SavePng(Rgb8Image image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        new ImageWriter().WritePng(image.Rgb, image.Width, image.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, stream);
    }

    /// <summary>Writes one 8-bit grey channel (width × height bytes) as a PNG.</summary>
    internal static void SaveGreyPng(byte[] grey, int width, int height, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        new ImageWriter().WritePng(grey, width, height, StbImageWriteSharp.ColorComponents.Grey, stream);
    }

    /// <summary>Decodes a file with stb, turning every failure into <see cref="ImageFormatException"/>.</summary>
    internal static ImageResult Decode(string path, StbImageSharp.ColorComponents components)
    {
        if (!File.Exists(path))
        {
            throw new ImageFormatException($"{path}: file not found");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new ImageFormatException($"{path}: cannot read ({e.Message})", e);
        }
        if (!LooksSupported(bytes))
        {
            throw new ImageFormatException($"{path}: not a PNG, JPEG or BMP image");
        }
        try
        {
            using (var header = new MemoryStream(bytes, writable: false))
            {
                var info = ImageInfo.FromStream(header) ?? throw new ImageFormatException($"{path}: unreadable image header");
                if (info.Width <= 0 || info.Height <= 0 || info.Width > MaxSide || info.Height > MaxSide || (long)info.Width * info.Height > MaxPixels)
                {
                    throw new ImageFormatException($"{path}: unsupported size {info.Width}×{info.Height} (max {MaxSide} per side)");
                }
            }
            var result = ImageResult.FromMemory(bytes, components);
            long expected = (long)result.Width * result.Height * (int)components;
            if (result.Data is null || result.Width <= 0 || result.Height <= 0 || result.Data.LongLength < expected)
            {
                throw new ImageFormatException($"{path}: decoder returned no pixel data");
            }
            return result;
        }
        catch (ImageFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb reports corrupt or truncated data with plain exceptions (and may index past a short buffer).
            throw new ImageFormatException($"{path}: corrupt or truncated image ({e.Message})", e);
        }
    }

    private static bool LooksSupported(ReadOnlySpan<byte> b) =>
        (b.Length >= 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        || (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        || (b.Length >= 2 && b[0] == (byte)'B' && b[1] == (byte)'M');
}
