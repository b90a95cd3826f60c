using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Reference;

namespace Locus.Kernels.Cpu;

/// <summary>
/// The fast CPU backend and Locus's embedded default: SIMD (Vector256/Vector512) and multi-threaded
/// kernels, f32 activations, bf16/f16 weights widened on the fly.
/// </summary>
public sealed class CpuBackend : HostBackendBase
{
    private static readonly KernelTable s_table = BuildTable();

    public override string Name => "cpu";

    /// <summary>The fast kernels registered by every op family.</summary>
    public static KernelTable Table => s_table;

    public override bool Supports(Node node, out string? reason)
    {
        if (s_table.Contains(node.Op))
        {
            return s_table.Supports(node, out reason);
        }
        // Transitional: ops without a fast kernel yet run on the reference kernel (OpCoverageTests lists them).
        return ReferenceBackend.Table.Supports(node, out reason);
    }

    public override void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        if (s_table.Contains(node.Op))
        {
            s_table.Execute(node, sources, output, aux);
        }
        else
        {
            ReferenceBackend.Table.Execute(node, sources, output, aux);
        }
    }

    private static KernelTable BuildTable()
    {
        var table = new KernelTable();
        CpuCoreKernels.Register(table);
        CpuMatrixKernels.Register(table);
        CpuEditingKernels.Register(table);
        return table;
    }
}
