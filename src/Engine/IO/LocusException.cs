namespace Locus.Engine.IO;

/// <summary>Base of Locus's typed bad-input exceptions (malformed files, configs, images). Messages name the file or argument and the reason.</summary>
public class LocusException : Exception
{
    public LocusException(string message)
        : base(message)
    {
    }

    public LocusException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
