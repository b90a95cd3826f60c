namespace Locus.Engine.IO.Safetensors;

/// <summary>A safetensors file or index is malformed. The message is <c>"&lt;file&gt;: &lt;reason&gt;"</c>.</summary>
public sealed class SafetensorsFormatException : LocusException
{
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    public SafetensorsFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Builds the exception with the standard "file: reason" message.</summary>
    public static SafetensorsFormatException For(string path, string reason) => new($"{path}: {reason}");
}
