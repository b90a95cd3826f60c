using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>Reshape (a view). A non-contiguous source is made contiguous first.</summary>
    public Node Reshape(Node x, Shape shape, string? name = null)
    {
        if (shape.ElementCount != x.Shape.ElementCount)
        {
            throw Error("Reshape", name, $"cannot reshape '{x.Name}' {x.Shape} to {shape}");
        }
        var src = EnsureContiguous(x);
        return Add(OpKind.Reshape, [src], new ReshapeParams(shape.Dims.ToArray()), new TensorDesc(x.DType, src.Desc.Layout.Reshape(shape)), name);
    }

    /// <summary>Permutation view: output dim i is input dim order[i].</summary>
    public Node Permute(Node x, int[] order, string? name = null)
    {
        Layout layout;
        try
        {
            layout = x.Desc.Layout.Permute(order);
        }
        catch (ArgumentException e)
        {
            throw Error("Permute", name, e.Message);
        }
        return Add(OpKind.Permute, [x], new PermuteParams(order), new TensorDesc(x.DType, layout), name);
    }

    /// <summary>Slice view [start, start + length) along axis.</summary>
    public Node Slice(Node x, int axis, int start, int length, string? name = null)
    {
        Layout layout;
        try
        {
            layout = x.Desc.Layout.Slice(axis, start, length);
        }
        catch (ArgumentException e)
        {
            throw Error("Slice", name, e.Message);
        }
        return Add(OpKind.Slice, [x], new SliceParams(x.Shape.Axis(axis), start, length), new TensorDesc(x.DType, layout), name);
    }

    /// <summary>Dense row-major copy of any view.</summary>
    public Node Contiguous(Node x, string? name = null) =>
        Add(OpKind.Contiguous, [x], null, new TensorDesc(x.DType, x.Shape), name);

    /// <summary>Returns x if contiguous, else a <see cref="Contiguous(Node, string?)"/> copy.</summary>
    public Node EnsureContiguous(Node x) => x.Desc.Layout.IsContiguous ? x : Contiguous(x, x.Name.Split('.')[^1] + ".contiguous");

    /// <summary>Dtype conversion; narrowing floats round to nearest even.</summary>
    public Node Convert(Node x, DType target, string? name = null) =>
        Add(OpKind.Convert, [x], new ConvertParams(target), new TensorDesc(target, x.Shape), name);

    /// <summary>Concatenation along <paramref name="axis"/>; all other dims and dtypes must agree.</summary>
    public Node Concat(Node[] parts, int axis, string? name = null)
    {
        if (parts.Length == 0)
        {
            throw Error("Concat", name, "no inputs");
        }
        var first = parts[0];
        int a = first.Shape.Axis(axis);
        int total = 0;
        foreach (var p in parts)
        {
            RequireSameDType("Concat", name, first, p);
            if (p.Shape.Rank != first.Shape.Rank)
            {
                throw Error("Concat", name, $"'{p.Name}' {p.Shape} and '{first.Name}' {first.Shape} differ in rank");
            }
            for (int i = 0; i < p.Shape.Rank; i++)
            {
                if (i != a && p.Shape[i] != first.Shape[i])
                {
                    throw Error("Concat", name, $"'{p.Name}' {p.Shape} and '{first.Name}' {first.Shape} differ outside axis {a}");
                }
            }
            total += p.Shape[a];
        }
        var sources = parts.Select(EnsureContiguous).ToArray();
        return Add(OpKind.Concat, sources, new ConcatParams(a), new TensorDesc(first.DType, first.Shape.With(a, total)), name);
    }

    /// <summary>The secondary output of a multi-output node (attention log-sum-exp, k-means centroids).</summary>
    public Node Aux(Node node, string? name = null)
    {
        if (node.AuxDesc is not { } aux)
        {
            throw Error("AuxOutput", name, $"'{node.Name}' ({node.Op}) has no auxiliary output");
        }
        return Add(OpKind.AuxOutput, [node], null, aux, name ?? node.Name.Split('.')[^1] + ".aux");
    }
}
