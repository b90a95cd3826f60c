namespace Locus.Engine.IO;

/// <summary>A weight could not be bound: missing, wrong shape, unconvertible dtype, or unused keys. The message names the tensor and the file.</summary>
public sealed class WeightLoadException : LocusException
{
    public WeightLoadException(string message)
        : base(message)
    {
    }

    public WeightLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
