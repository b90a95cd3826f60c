using Locus.Engine.Graph;
using Locus.Kernels.Cpu.Attention;

namespace Locus.Kernels.Cpu;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class CpuMatrixKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.Linear, Linear);
        table.Add(OpKind.MatMul, MatMul);
        table.Add(OpKind.Attention, FlashAttention.Run);
        table.Add(OpKind.AttentionCapture, AttentionCaptureKernel.Run);
    }
}
