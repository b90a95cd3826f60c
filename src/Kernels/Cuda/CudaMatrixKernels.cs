namespace Locus.Kernels.Cuda;

/// <summary>Registers the CUDA kernels of the Matrix family (see src/Kernels/README.md).</summary>
public static partial class CudaMatrixKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>; launchers capture <paramref name="ctx"/> (no device work here).</summary>
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ctx);
        Ops.MatrixOps.Register(table, ctx);
    }
}
