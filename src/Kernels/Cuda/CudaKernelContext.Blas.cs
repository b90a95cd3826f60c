using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

public sealed unsafe partial class CudaKernelContext
{
    /// <summary>cuBLASLt workspace size: 32 MiB (Hopper guidance, cuda-interop.md §3.4).</summary>
    public const long BlasWorkspaceBytes = 32L << 20;

    private nint _blasLt;
    private CudaBuffer? _blasWorkspace;

    /// <summary>The cuBLASLt handle (created on first use with the primary context current).</summary>
    /// <exception cref="CudaException">cuBLASLt could not be loaded or created.</exception>
    public nint BlasLt
    {
        get
        {
            lock (_lock)
            {
                if (_blasLt == 0)
                {
                    Context.MakeCurrent();
                    nint h;
                    CudaException.CheckBlas(CublasLt.cublasLtCreate(&h));
                    _blasLt = h;
                    _blasWorkspace = new CudaBuffer(Context, BlasWorkspaceBytes);
                }
                return _blasLt;
            }
        }
    }

    /// <summary>Device pointer of the cuBLASLt workspace (<see cref="BlasWorkspaceBytes"/>).</summary>
    public ulong BlasWorkspace
    {
        get
        {
            _ = BlasLt;
            return _blasWorkspace!.DevicePointer;
        }
    }

    private void DisposeBlas()
    {
        DisposeMatmulPlans();
        if (_blasLt != 0)
        {
            _ = CublasLt.cublasLtDestroy(_blasLt);
            _blasLt = 0;
        }
        _blasWorkspace?.Dispose();
        _blasWorkspace = null;
    }

    partial void DisposeMatmulPlans();
}
