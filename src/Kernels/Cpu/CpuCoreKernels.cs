using Locus.Engine.Graph;
using Locus.Kernels.Reference;

namespace Locus.Kernels.Cpu;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class CpuCoreKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.Add, Binary, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Sub, Binary, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Mul, Binary, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Scale, Scale, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Silu, Silu, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Sigmoid, Sigmoid, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Gelu, Gelu, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Modulate, Modulate, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.GatedResidual, GatedResidual, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Convert, Convert, ReferenceCoreKernels.ConvertCheck);
        table.Add(OpKind.Contiguous, Contiguous, ReferenceCoreKernels.KnownSize);
        table.Add(OpKind.Concat, Concat, ReferenceCoreKernels.KnownSize);
        table.Add(OpKind.LayerNorm, LayerNorm, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.RmsNorm, RmsNorm, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.GroupNorm, GroupNorm, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Softmax, Softmax, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Rope, Rope, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.TimestepEmbedding, TimestepEmbedding, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.Conv2d, Conv2d, ReferenceCoreKernels.FloatOnly);
        table.Add(OpKind.UpsampleNearest2x, UpsampleNearest2x, ReferenceCoreKernels.FloatOnly);
    }
}
