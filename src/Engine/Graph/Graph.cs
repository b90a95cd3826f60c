namespace Locus.Engine.Graph;

/// <summary>
/// An ordered, validated graph: the nodes needed for the outputs in topological order (creation
/// order, which is topological because sources always exist before their users).
/// </summary>
public sealed class Graph
{
    private Graph(IReadOnlyList<Node> nodes, IReadOnlyList<Node> outputs)
    {
        Nodes = nodes;
        Outputs = outputs;
        Inputs = nodes.Where(n => n.Op == OpKind.Input).ToArray();
        Weights = nodes.Where(n => n.Op == OpKind.Weight).ToArray();
        ByName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>Nodes in execution order.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Requested outputs.</summary>
    public IReadOnlyList<Node> Outputs { get; }

    /// <summary>Input nodes reachable from the outputs.</summary>
    public IReadOnlyList<Node> Inputs { get; }

    /// <summary>Weight nodes reachable from the outputs.</summary>
    public IReadOnlyList<Node> Weights { get; }

    /// <summary>Nodes by name.</summary>
    public IReadOnlyDictionary<string, Node> ByName { get; }

    internal static Graph Create(IReadOnlyList<Node> all, Node[] outputs)
    {
        if (outputs.Length == 0)
        {
            throw new GraphException("a graph needs at least one output");
        }
        var needed = new bool[all.Count];
        var stack = new Stack<Node>();
        foreach (var o in outputs)
        {
            if (o.Id >= all.Count || !ReferenceEquals(all[o.Id], o))
            {
                throw new GraphException($"output '{o.Name}' belongs to another graph builder");
            }
            stack.Push(o);
        }
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (needed[n.Id])
            {
                continue;
            }
            needed[n.Id] = true;
            foreach (var s in n.Sources)
            {
                stack.Push(s);
            }
        }
        var ordered = all.Where(n => needed[n.Id]).ToArray();
        return new Graph(ordered, outputs.Distinct().ToArray());
    }

    /// <summary>One line per node, for debugging.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Nodes);
}
