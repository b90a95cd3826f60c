using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>
    /// y = x·Wᵀ + b as nn.Linear: x [..., in], W [out, in] (f32/bf16/f16, widened on the fly), b [out] optional.
    /// Output [..., out] in x's dtype; accumulation in f32 or wider.
    /// </summary>
    public Node Linear(Node x, Node weight, Node? bias, string? name = null)
    {
        RequireFloat("Linear", name, x);
        if (weight.Shape.Rank != 2 || !weight.DType.IsFloat())
        {
            throw Error("Linear", name, $"weight '{weight.Name}' {weight.Desc} must be a float [out, in]");
        }
        int inFeatures = weight.Shape[1];
        int outFeatures = weight.Shape[0];
        if (x.Shape.Rank < 1 || x.Shape[-1] != inFeatures)
        {
            throw Error("Linear", name, $"x '{x.Name}' {x.Shape} does not end in {inFeatures} (weight {weight.Shape})");
        }
        if (bias is not null && (bias.Shape.Rank != 1 || bias.Shape[0] != outFeatures || !bias.DType.IsFloat()))
        {
            throw Error("Linear", name, $"bias '{bias.Name}' {bias.Desc} must be a float [{outFeatures}]");
        }
        Node[] sources = bias is null ? [EnsureContiguous(x), weight] : [EnsureContiguous(x), weight, bias];
        return Add(OpKind.Linear, sources, null, new TensorDesc(x.DType, x.Shape.With(-1, outFeatures)), name);
    }

    /// <summary>
    /// Batched matrix product: a [..., M, K] · b [..., K, N] (or b [..., N, K] with <paramref name="transposeB"/>).
    /// b's batch dims equal a's, or b is rank 2 and shared by every batch.
    /// </summary>
    public Node MatMul(Node a, Node b, bool transposeB = false, string? name = null)
    {
        RequireFloat("MatMul", name, a);
        RequireSameDType("MatMul", name, a, b);
        if (a.Shape.Rank < 2 || b.Shape.Rank < 2)
        {
            throw Error("MatMul", name, $"operands {a.Shape} and {b.Shape} must have rank ≥ 2");
        }
        int m = a.Shape[-2], k = a.Shape[-1];
        int kb = transposeB ? b.Shape[-1] : b.Shape[-2];
        int n = transposeB ? b.Shape[-2] : b.Shape[-1];
        if (k != kb)
        {
            throw Error("MatMul", name, $"inner dims differ: a {a.Shape}, b {b.Shape}{(transposeB ? " (transposed)" : "")}");
        }
        if (b.Shape.Rank != 2)
        {
            if (b.Shape.Rank != a.Shape.Rank)
            {
                throw Error("MatMul", name, $"batch dims of a {a.Shape} and b {b.Shape} differ");
            }
            for (int i = 0; i < a.Shape.Rank - 2; i++)
            {
                if (a.Shape[i] != b.Shape[i])
                {
                    throw Error("MatMul", name, $"batch dims of a {a.Shape} and b {b.Shape} differ");
                }
            }
        }
        var outShape = a.Shape.With(-2, m).With(-1, n);
        return Add(OpKind.MatMul, [EnsureContiguous(a), EnsureContiguous(b)], new MatMulParams(transposeB), new TensorDesc(a.DType, outShape), name);
    }
}
