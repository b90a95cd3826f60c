using Locus.Engine.Graph;

namespace Locus.Kernels.Reference;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class ReferenceMatrixKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.Linear, Linear);
        table.Add(OpKind.MatMul, MatMul);
        table.Add(OpKind.Attention, Attention);
        table.Add(OpKind.AttentionCapture, AttentionCapture);
    }
}
