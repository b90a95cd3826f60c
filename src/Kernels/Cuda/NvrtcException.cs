namespace Locus.Kernels.Cuda;

/// <summary>An NVRTC failure; <see cref="Log"/> holds the program log (compiler diagnostics).</summary>
public sealed class NvrtcException : Exception
{
    public NvrtcException()
    {
    }

    public NvrtcException(string message)
        : base(message)
    {
    }

    public NvrtcException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with the program log appended to the message.</summary>
    public NvrtcException(string message, string log)
        : base(string.IsNullOrWhiteSpace(log) ? message : message + Environment.NewLine + log.TrimEnd())
    {
        Log = log;
    }

    /// <summary>The NVRTC program log ("" when none).</summary>
    public string Log { get; } = "";
}
