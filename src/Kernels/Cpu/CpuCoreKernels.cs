namespace Locus.Kernels.Cpu;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class CpuCoreKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
    }
}
