namespace Locus.Kernels.Cuda;

/// <summary>Registers the CUDA kernels of the Core family (see src/Kernels/README.md).</summary>
public static partial class CudaCoreKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>; launchers capture <paramref name="ctx"/> (no device work here).</summary>
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ctx);
        Ops.ElementwiseOps.Register(table, ctx);
        Ops.ModulateOps.Register(table, ctx);
        Ops.NormOps.Register(table, ctx);
    }
}
