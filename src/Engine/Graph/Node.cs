using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

/// <summary>One value of a graph: an op applied to source values. Created only by <see cref="GraphBuilder"/>.</summary>
public sealed class Node
{
    internal Node(int id, OpKind op, Node[] sources, OpParams? parameters, TensorDesc desc, TensorDesc? auxDesc, string name)
    {
        Id = id;
        Op = op;
        Sources = sources;
        Params = parameters;
        Desc = desc;
        AuxDesc = auxDesc;
        Name = name;
    }

    /// <summary>Creation index, unique in its builder; sources always have smaller ids.</summary>
    public int Id { get; }

    public OpKind Op { get; }

    public IReadOnlyList<Node> Sources { get; }

    public OpParams? Params { get; }

    /// <summary>Element type and layout of the output.</summary>
    public TensorDesc Desc { get; }

    /// <summary>Description of the secondary output (attention log-sum-exp, k-means centroids), if any.</summary>
    public TensorDesc? AuxDesc { get; }

    /// <summary>Module-path name, e.g. <c>transformer_blocks.3.attn.to_q</c>; unique in the graph.</summary>
    public string Name { get; }

    public Shape Shape => Desc.Shape;

    public DType DType => Desc.DType;

    /// <summary>True for ops that alias their source's storage and run no kernel.</summary>
    public bool IsView => Op is OpKind.Reshape or OpKind.Permute or OpKind.Slice or OpKind.AuxOutput;

    /// <summary>True for inputs and weights.</summary>
    public bool IsLeaf => Op is OpKind.Input or OpKind.Weight;

    /// <summary>Typed parameters.</summary>
    public T ParamsAs<T>()
        where T : OpParams =>
        Params as T ?? throw new InvalidOperationException($"node {Name} ({Op}) has no {typeof(T).Name}");

    public override string ToString() => $"{Name} = {Op}({string.Join(", ", Sources.Select(s => s.Name))}) : {Desc}";
}
