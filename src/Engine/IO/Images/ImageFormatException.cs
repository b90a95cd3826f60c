namespace Locus.Engine.IO.Images;

/// <summary>An image or mask file is missing, corrupt, truncated or of an unsupported format. The message names the file.</summary>
public sealed class ImageFormatException : LocusException
{
    public ImageFormatException(string message)
        : base(message)
    {
    }

    public ImageFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
