using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>
    /// 2-D cross-correlation: x [B, Ci, H, W], w [Co, Ci, kh, kw], b [Co] optional → [B, Co, Ho, Wo] with
    /// Ho = (H + padTop + padBottom − kh)/stride + 1 (zero padding).
    /// </summary>
    public Node Conv2d(Node x, Node weight, Node? bias, Conv2dParams p, string? name = null)
    {
        const string op = "Conv2d";
        RequireFloat(op, name, x);
        RequireRank(op, name, x, 4);
        if (weight.Shape.Rank != 4 || weight.Shape[1] != x.Shape[1] || !weight.DType.IsFloat())
        {
            throw Error(op, name, $"weight '{weight.Name}' {weight.Desc} must be float [Co, {x.Shape[1]}, kh, kw]");
        }
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
        {
            throw Error(op, name, $"bias '{bias.Name}' {bias.Shape} must be [{weight.Shape[0]}]");
        }
        if (p.Stride < 1 || p.PadTop < 0 || p.PadLeft < 0 || p.PadBottom < 0 || p.PadRight < 0)
        {
            throw Error(op, name, $"invalid stride/padding {p}");
        }
        int ho = (x.Shape[2] + p.PadTop + p.PadBottom - weight.Shape[2]) / p.Stride + 1;
        int wo = (x.Shape[3] + p.PadLeft + p.PadRight - weight.Shape[3]) / p.Stride + 1;
        if (ho <= 0 || wo <= 0)
        {
            throw Error(op, name, $"kernel {weight.Shape} larger than padded input {x.Shape}");
        }
        Node[] sources = bias is null ? [EnsureContiguous(x), weight] : [EnsureContiguous(x), weight, bias];
        return Add(OpKind.Conv2d, sources, p, new TensorDesc(x.DType, new Shape(x.Shape[0], weight.Shape[0], ho, wo)), name);
    }

    /// <summary>Nearest ×2 upsample: [B, C, H, W] → [B, C, 2H, 2W], y[.., i, j] = x[.., i/2, j/2].</summary>
    public Node UpsampleNearest2x(Node x, string? name = null)
    {
        RequireFloat("UpsampleNearest2x", name, x);
        RequireRank("UpsampleNearest2x", name, x, 4);
        var s = x.Shape;
        return Add(OpKind.UpsampleNearest2x, [EnsureContiguous(x)], null, new TensorDesc(x.DType, new Shape(s[0], s[1], s[2] * 2, s[3] * 2)), name);
    }
}
