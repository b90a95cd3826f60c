using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>LayerNorm over the last dim: (x − mean)/√(var + ε) [·w + b]; biased variance; statistics in f32 or wider.</summary>
    public Node LayerNorm(Node x, Node? weight, Node? bias, float epsilon, string? name = null)
    {
        RequireFloat("LayerNorm", name, x);
        int c = x.Shape[-1];
        if ((weight is null) != (bias is null))
        {
            throw Error("LayerNorm", name, "weight and bias must be given together");
        }
        foreach (var p in new[] { weight, bias })
        {
            if (p is not null && (p.Shape.Rank != 1 || p.Shape[0] != c || !p.DType.IsFloat()))
            {
                throw Error("LayerNorm", name, $"'{p.Name}' {p.Desc} must be a float [{c}]");
            }
        }
        Node[] sources = weight is null ? [EnsureContiguous(x)] : [EnsureContiguous(x), weight, bias!];
        return Add(OpKind.LayerNorm, sources, new LayerNormParams(epsilon), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>RMSNorm over the last dim: x·(mean(x²) + ε)^(−½)·w.</summary>
    public Node RmsNorm(Node x, Node weight, float epsilon, string? name = null)
    {
        RequireFloat("RmsNorm", name, x);
        int c = x.Shape[-1];
        if (weight.Shape.Rank != 1 || weight.Shape[0] != c || !weight.DType.IsFloat())
        {
            throw Error("RmsNorm", name, $"weight '{weight.Name}' {weight.Desc} must be a float [{c}]");
        }
        return Add(OpKind.RmsNorm, [EnsureContiguous(x), weight], new RmsNormParams(epsilon), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>GroupNorm of x [B, C, H, W] over (C/G channels × H × W) per group, then ·w[c] + b[c].</summary>
    public Node GroupNorm(Node x, Node weight, Node bias, int groupCount, float epsilon, string? name = null)
    {
        RequireFloat("GroupNorm", name, x);
        RequireRank("GroupNorm", name, x, 4);
        int c = x.Shape[1];
        if (groupCount <= 0 || c % groupCount != 0)
        {
            throw Error("GroupNorm", name, $"{c} channels do not split into {groupCount} groups");
        }
        foreach (var p in new[] { weight, bias })
        {
            if (p.Shape.Rank != 1 || p.Shape[0] != c || !p.DType.IsFloat())
            {
                throw Error("GroupNorm", name, $"'{p.Name}' {p.Desc} must be a float [{c}]");
            }
        }
        return Add(OpKind.GroupNorm, [EnsureContiguous(x), weight, bias], new GroupNormParams(groupCount, epsilon), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>Softmax over the last dim: e^(x − max) / Σ e^(x − max).</summary>
    public Node Softmax(Node x, string? name = null)
    {
        RequireFloat("Softmax", name, x);
        return Add(OpKind.Softmax, [EnsureContiguous(x)], null, new TensorDesc(x.DType, x.Shape), name);
    }
}
