using Locus.Engine.IO;

namespace Locus.Models.Editing;

/// <summary>A prompt embeddings file is missing a tensor or holds one of the wrong shape or dtype (the message names the file and tensor).</summary>
public sealed class PromptEmbeddingsException : LocusException
{
    /// <summary>Creates the exception.</summary>
    public PromptEmbeddingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PromptEmbeddingsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
