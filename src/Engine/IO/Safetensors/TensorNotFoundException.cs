namespace Locus.Engine.IO.Safetensors;

/// <summary>A tensor name is not in a safetensors file or index. The message names the file and the tensor.</summary>
public sealed class TensorNotFoundException : LocusException
{
    public TensorNotFoundException(string message)
        : base(message)
    {
    }

    public TensorNotFoundException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
