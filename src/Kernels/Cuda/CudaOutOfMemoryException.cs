namespace Locus.Kernels.Cuda;

/// <summary>Device memory is exhausted (CUDA_ERROR_OUT_OF_MEMORY).</summary>
public sealed class CudaOutOfMemoryException : CudaException
{
    public CudaOutOfMemoryException()
    {
    }

    public CudaOutOfMemoryException(string message)
        : base(message)
    {
    }

    public CudaOutOfMemoryException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for <paramref name="call"/>.</summary>
    public CudaOutOfMemoryException(string call, string message)
        : base(call, 2, message)
    {
    }
}
