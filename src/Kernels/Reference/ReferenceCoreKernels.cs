using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Reference;

/// <summary>Registers this op family's kernels (see the family list in src/Kernels/README.md).</summary>
public static partial class ReferenceCoreKernels
{
    /// <summary>Adds this family's kernels to <paramref name="table"/>.</summary>
    public static void Register(KernelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.Add(OpKind.Add, Binary, FloatOnly);
        table.Add(OpKind.Sub, Binary, FloatOnly);
        table.Add(OpKind.Mul, Binary, FloatOnly);
        table.Add(OpKind.Scale, Scale, FloatOnly);
        table.Add(OpKind.Silu, Silu, FloatOnly);
        table.Add(OpKind.Sigmoid, Sigmoid, FloatOnly);
        table.Add(OpKind.Gelu, Gelu, FloatOnly);
        table.Add(OpKind.Modulate, Modulate, FloatOnly);
        table.Add(OpKind.GatedResidual, GatedResidual, FloatOnly);
        table.Add(OpKind.Convert, Convert, ConvertCheck);
        table.Add(OpKind.Contiguous, Contiguous, KnownSize);
        table.Add(OpKind.Concat, Concat, KnownSize);
        table.Add(OpKind.LayerNorm, LayerNorm, FloatOnly);
        table.Add(OpKind.RmsNorm, RmsNorm, FloatOnly);
        table.Add(OpKind.GroupNorm, GroupNorm, FloatOnly);
        table.Add(OpKind.Softmax, Softmax, FloatOnly);
        table.Add(OpKind.Rope, Rope, FloatOnly);
        table.Add(OpKind.TimestepEmbedding, TimestepEmbedding, FloatOnly);
        table.Add(OpKind.Conv2d, Conv2d, FloatOnly);
        table.Add(OpKind.UpsampleNearest2x, UpsampleNearest2x, FloatOnly);
    }

    /// <summary>Refuses nodes whose output or sources are not F32/F16/BF16.</summary>
    internal static string? FloatOnly(Node node)
    {
        if (!node.DType.IsFloat())
        {
            return $"output dtype {node.DType} is not a float type";
        }
        foreach (var s in node.Sources)
        {
            if (!s.DType.IsFloat())
            {
                return $"source '{s.Name}' dtype {s.DType} is not a float type";
            }
        }
        return null;
    }

    /// <summary>Convert supports every dtype with a float conversion (not F8E4M3).</summary>
    internal static string? ConvertCheck(Node node) =>
        node.DType == DType.F8E4M3 || node.Sources[0].DType == DType.F8E4M3 ? "F8E4M3 conversion is not implemented" : null;

    /// <summary>Copies support any dtype except F8E4M3 (no conversion needed, but kept consistent with Convert).</summary>
    internal static string? KnownSize(Node node) =>
        node.DType == DType.F8E4M3 ? "F8E4M3 tensors are not supported" : null;
}
