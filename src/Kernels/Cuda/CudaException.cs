using System.Runtime.CompilerServices;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>A failed CUDA driver or cuBLASLt call: names the call, the error code, its name and text.</summary>
public class CudaException : Exception
{
    public CudaException()
    {
    }

    public CudaException(string message)
        : base(message)
    {
    }

    public CudaException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for <paramref name="call"/> failing with <paramref name="code"/>.</summary>
    public CudaException(string call, int code, string message)
        : base(message)
    {
        Call = call;
        Code = code;
    }

    /// <summary>The failing call expression.</summary>
    public string Call { get; } = "";

    /// <summary>CUresult or cublasStatus_t value.</summary>
    public int Code { get; }

    /// <summary>Throws unless <paramref name="result"/> is CUDA_SUCCESS; OOM becomes <see cref="CudaOutOfMemoryException"/>.</summary>
    /// <exception cref="CudaException">the call failed.</exception>
    public static void Check(int result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != 0)
        {
            throw Create(result, call);
        }
    }

    /// <summary>Throws unless the cuBLASLt status is CUBLAS_STATUS_SUCCESS.</summary>
    /// <exception cref="CudaException">the call failed.</exception>
    public static void CheckBlas(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != 0)
        {
            throw new CudaException(call, status, $"{Short(call)} failed: {BlasName(status)} ({status})");
        }
    }

    /// <summary>The exception for a driver result (used by <see cref="Check"/>).</summary>
    public static CudaException Create(int result, string call)
    {
        string name = DriverText(result, name: true) ?? $"CUDA_ERROR_{result}";
        string text = DriverText(result, name: false) ?? "unknown error";
        string message = $"{Short(call)} failed: {name} ({result}): {text}";
        return result == CuDriver.ErrorOutOfMemory ? new CudaOutOfMemoryException(call, message) : new CudaException(call, result, message);
    }

    private static unsafe string? DriverText(int result, bool name)
    {
        try
        {
            byte* p = null;
            int rc = name ? CuDriver.cuGetErrorName(result, &p) : CuDriver.cuGetErrorString(result, &p);
            return rc == 0 ? CuDriver.Text(p) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static string Short(string call)
    {
        int paren = call.IndexOf('(', StringComparison.Ordinal);
        string head = paren > 0 ? call[..paren] : call;
        return head.Replace("CuDriver.", "", StringComparison.Ordinal).Replace("CublasLt.", "", StringComparison.Ordinal).Trim();
    }

    private static string BlasName(int status) => status switch
    {
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => "CUBLAS_STATUS_" + status,
    };
}
