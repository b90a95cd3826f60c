using Locus.Engine.IO;

namespace Locus.Models.MmDit;

/// <summary>A malformed or inconsistent model config (config.json or detected from weights); the message names the file and key.</summary>
public sealed class ModelConfigException : LocusException
{
    public ModelConfigException(string message)
        : base(message)
    {
    }

    public ModelConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
