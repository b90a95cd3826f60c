using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>a + b, numpy broadcasting (right-aligned). Inputs may be strided views.</summary>
    public Node Add(Node a, Node b, string? name = null) => Binary(OpKind.Add, a, b, name);

    /// <summary>a − b, numpy broadcasting.</summary>
    public Node Sub(Node a, Node b, string? name = null) => Binary(OpKind.Sub, a, b, name);

    /// <summary>a ⊙ b, numpy broadcasting.</summary>
    public Node Mul(Node a, Node b, string? name = null) => Binary(OpKind.Mul, a, b, name);

    /// <summary>y = x·scale + bias.</summary>
    public Node Scale(Node x, float scale, float bias = 0f, string? name = null)
    {
        RequireFloat("Scale", name, x);
        return Add(OpKind.Scale, [x], new ScaleParams(scale, bias), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>y = x·σ(x) = x / (1 + e^(−x)).</summary>
    public Node Silu(Node x, string? name = null)
    {
        RequireFloat("Silu", name, x);
        return Add(OpKind.Silu, [x], null, new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>Logistic sigmoid σ(x) = 1/(1 + e^(−x)) (0 for x → −∞, 1 for x → +∞, never NaN for finite x).</summary>
    public Node Sigmoid(Node x, string? name = null)
    {
        RequireFloat("Sigmoid", name, x);
        return Add(OpKind.Sigmoid, [x], null, new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>GELU. Approximate: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); exact: 0.5·x·(1 + erf(x/√2)).</summary>
    public Node Gelu(Node x, bool approximate = true, string? name = null)
    {
        RequireFloat("Gelu", name, x);
        return Add(OpKind.Gelu, [x], new GeluParams(approximate), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>AdaLN modulation y = x·(1 + scale) + shift; x [B, N, C], scale and shift [B, C].</summary>
    public Node Modulate(Node x, Node scale, Node shift, string? name = null)
    {
        RequireFloat("Modulate", name, x);
        RequireRank("Modulate", name, x, 3);
        foreach (var p in new[] { scale, shift })
        {
            RequireSameDType("Modulate", name, x, p);
            if (p.Shape.Rank != 2 || p.Shape[0] != x.Shape[0] || p.Shape[1] != x.Shape[2])
            {
                throw Error("Modulate", name, $"'{p.Name}' {p.Shape} must be [{x.Shape[0]}, {x.Shape[2]}] for x {x.Shape}");
            }
        }
        return Add(OpKind.Modulate, [EnsureContiguous(x), EnsureContiguous(scale), EnsureContiguous(shift)], null, new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>Gated residual h = h0 + g ⊙ y; h0, y [B, N, C]; g per channel [B, C] or per token [B, N, 1].</summary>
    public Node GatedResidual(Node h0, Node gate, Node y, string? name = null)
    {
        RequireFloat("GatedResidual", name, y);
        RequireRank("GatedResidual", name, y, 3);
        RequireSameDType("GatedResidual", name, h0, y);
        RequireSameDType("GatedResidual", name, gate, y);
        if (h0.Shape != y.Shape)
        {
            throw Error("GatedResidual", name, $"h0 {h0.Shape} and y {y.Shape} differ");
        }
        var s = y.Shape;
        bool perChannel = gate.Shape.Rank == 2 && gate.Shape[0] == s[0] && gate.Shape[1] == s[2];
        bool perToken = gate.Shape.Rank == 3 && gate.Shape[0] == s[0] && gate.Shape[1] == s[1] && gate.Shape[2] == 1;
        if (!perChannel && !perToken)
        {
            throw Error("GatedResidual", name, $"gate {gate.Shape} must be [{s[0]}, {s[2]}] (per channel) or [{s[0]}, {s[1]}, 1] (per token)");
        }
        return Add(OpKind.GatedResidual, [EnsureContiguous(h0), EnsureContiguous(gate), EnsureContiguous(y)], null, new TensorDesc(y.DType, s), name);
    }

    /// <summary>Broadcast shape of two shapes (numpy rules), or null if incompatible.</summary>
    public static Shape? BroadcastShape(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }

    private Node Binary(OpKind op, Node a, Node b, string? name)
    {
        RequireFloat(op.ToString(), name, a);
        RequireSameDType(op.ToString(), name, a, b);
        var shape = BroadcastShape(a.Shape, b.Shape)
            ?? throw Error(op.ToString(), name, $"shapes {a.Shape} ('{a.Name}') and {b.Shape} ('{b.Name}') do not broadcast");
        return Add(op, [a, b], null, new TensorDesc(a.DType, shape), name);
    }
}
