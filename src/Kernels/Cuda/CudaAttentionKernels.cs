namespace Locus.Kernels.Cuda;

/// <summary>Registers the CUDA attention kernels (Attention, AttentionCapture). Owned by the attention helper ("flash").</summary>
public static partial class CudaAttentionKernels
{
    /// <summary>NVRTC modules of this family; <see cref="KernelCatalog.All"/> includes them.</summary>
    public static IReadOnlyList<KernelModule> Modules { get; } = [];

    /// <summary>Adds this family's kernels to <paramref name="table"/>; launchers capture <paramref name="ctx"/> (no device work here).</summary>
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ctx);
    }
}
