namespace Locus.Kernels.Reference;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class ReferenceEditingKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
    }
}
