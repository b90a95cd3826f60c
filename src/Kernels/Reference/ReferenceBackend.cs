using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;

namespace Locus.Kernels.Reference;

/// <summary>
/// The oracle: scalar kernels with double accumulation, no SIMD, no threads. Every other backend's
/// ops are tested against it. Slow by design; never optimise it.
/// </summary>
public sealed class ReferenceBackend : HostBackendBase
{
    private static readonly KernelTable s_table = BuildTable();

    public override string Name => "reference";

    /// <summary>The kernels registered by every op family.</summary>
    public static KernelTable Table => s_table;

    public override bool Supports(Node node, out string? reason) => s_table.Supports(node, out reason);

    public override void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) =>
        s_table.Execute(node, sources, output, aux);

    private static KernelTable BuildTable()
    {
        var table = new KernelTable();
        ReferenceCoreKernels.Register(table);
        ReferenceMatrixKernels.Register(table);
        ReferenceEditingKernels.Register(table);
        return table;
    }
}
