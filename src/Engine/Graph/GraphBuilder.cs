using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

/// <summary>
/// Describes a forward pass as nodes. Every method checks shapes and dtypes when the node is added
/// and throws <see cref="GraphException"/> naming the node; nothing is computed. Names follow the
/// module path: <c>using (g.Scope("transformer_blocks.3"))</c> then <c>g.Linear(..., "attn.to_q")</c>
/// gives <c>transformer_blocks.3.attn.to_q</c>.
/// </summary>
public sealed partial class GraphBuilder
{
    private readonly List<Node> _nodes = [];
    private readonly Stack<string> _scopes = new();
    private readonly Dictionary<string, int> _nameCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _weights = new(StringComparer.Ordinal);

    /// <summary>All nodes in creation order.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>Current scope prefix ("" at top level).</summary>
    public string CurrentScope => _scopes.Count == 0 ? string.Empty : _scopes.Peek();

    /// <summary>Pushes a module path segment until the returned scope is disposed.</summary>
    public IDisposable Scope(string segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment);
        _scopes.Push(Qualify(segment));
        return new ScopeToken(this);
    }

    /// <summary>Full name of <paramref name="local"/> under the current scope.</summary>
    public string Qualify(string local) => _scopes.Count == 0 ? local : _scopes.Peek() + "." + local;

    /// <summary>A per-run input, bound by <see cref="Executor.SetInput(string, HostTensor)"/>. Names are global (not scoped).</summary>
    public Node Input(string name, DType dtype, Shape shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_inputs.ContainsKey(name))
        {
            throw new GraphException($"input '{name}' is declared twice");
        }
        var node = AddRaw(OpKind.Input, [], null, new TensorDesc(dtype, shape), null, name, exactName: true);
        _inputs[name] = node;
        return node;
    }

    /// <summary>A weight read by checkpoint key (scoped), e.g. <c>attn.to_q.weight</c>. Asking twice returns the same node.</summary>
    public Node Weight(string key, DType dtype, Shape shape)
    {
        string full = Qualify(key);
        if (_weights.TryGetValue(full, out var existing))
        {
            if (existing.Shape != shape || existing.DType != dtype)
            {
                throw new GraphException($"weight '{full}' requested as {dtype} {shape} and as {existing.Desc}");
            }
            return existing;
        }
        var node = AddRaw(OpKind.Weight, [], null, new TensorDesc(dtype, shape), null, full, exactName: true);
        _weights[full] = node;
        return node;
    }

    /// <summary>Declared inputs by name.</summary>
    public IReadOnlyDictionary<string, Node> Inputs => _inputs;

    /// <summary>Declared weights by full checkpoint key.</summary>
    public IReadOnlyDictionary<string, Node> Weights => _weights;

    /// <summary>Orders and validates the nodes needed for <paramref name="outputs"/>.</summary>
    public Graph Build(params Node[] outputs) => Graph.Create(_nodes, outputs);

    internal Node Add(OpKind op, Node[] sources, OpParams? parameters, TensorDesc desc, string? name, TensorDesc? aux = null)
        => AddRaw(op, sources, parameters, desc, aux, name ?? op.ToString().ToLowerInvariant(), exactName: false);

    private Node AddRaw(OpKind op, Node[] sources, OpParams? parameters, TensorDesc desc, TensorDesc? aux, string name, bool exactName)
    {
        foreach (var s in sources)
        {
            if (s.Id >= _nodes.Count || !ReferenceEquals(_nodes[s.Id], s))
            {
                throw new GraphException($"{op} '{name}': source '{s.Name}' belongs to another graph builder");
            }
        }
        string full = exactName ? name : Qualify(name);
        if (_nameCounts.TryGetValue(full, out int count))
        {
            if (exactName)
            {
                throw new GraphException($"node name '{full}' is used twice");
            }
            _nameCounts[full] = count + 1;
            full = $"{full}-{count}";
        }
        else
        {
            _nameCounts[full] = 1;
        }
        var node = new Node(_nodes.Count, op, sources, parameters, desc, aux, full);
        _nodes.Add(node);
        return node;
    }

    private GraphException Error(string op, string? name, string reason) =>
        new($"{op} '{Qualify(name ?? op.ToLowerInvariant())}': {reason}");

    private void RequireFloat(string op, string? name, Node x)
    {
        if (!x.DType.IsFloat())
        {
            throw Error(op, name, $"'{x.Name}' is {x.DType}; a float type is required");
        }
    }

    private void RequireSameDType(string op, string? name, Node a, Node b)
    {
        if (a.DType != b.DType)
        {
            throw Error(op, name, $"dtypes differ: '{a.Name}' is {a.DType}, '{b.Name}' is {b.DType}");
        }
    }

    private void RequireRank(string op, string? name, Node x, int rank)
    {
        if (x.Shape.Rank != rank)
        {
            throw Error(op, name, $"'{x.Name}' has shape {x.Shape}; rank {rank} is required");
        }
    }

    private sealed class ScopeToken(GraphBuilder owner) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                owner._scopes.Pop();
                _disposed = true;
            }
        }
    }
}
