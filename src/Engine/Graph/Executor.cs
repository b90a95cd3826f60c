using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

/// <summary>Called after each executed node (and for leaves and views, in order); may read the node's value.</summary>
public delegate void NodeCallback(Node node, Executor executor);

/// <summary>Supplies backend memory for weight nodes (bound once, when the executor is built).</summary>
public interface IWeightProvider
{
    /// <summary>The weight's storage on <paramref name="backend"/>; its desc must equal <paramref name="weight"/>'s.</summary>
    BoundTensor Bind(Node weight, IBackend backend);
}

/// <summary>
/// Runs a planned graph on a backend. Built once (plans memory, allocates one arena, binds weights,
/// checks the backend supports every node), then <see cref="SetInput(string, HostTensor)"/> +
/// <see cref="Run"/> as often as needed: a denoising loop reuses one executor.
/// </summary>
public sealed class Executor : IDisposable
{
    private readonly IBackend _backend;
    private readonly DeviceBuffer _arena;
    private readonly BoundTensor?[] _values;
    private readonly BoundTensor?[] _auxValues;
    private readonly Dictionary<int, int> _index = new();
    private bool _disposed;

    /// <summary>Plans and allocates. Throws <see cref="NotSupportedException"/> listing nodes the backend cannot run.</summary>
    public Executor(Graph graph, IBackend backend, IWeightProvider? weights = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(backend);
        Graph = graph;
        _backend = backend;
        var unsupported = new List<string>();
        foreach (var n in graph.Nodes)
        {
            if (!n.IsLeaf && !n.IsView && !backend.Supports(n, out string? reason))
            {
                unsupported.Add($"{n.Name} ({n.Op}): {reason}");
            }
        }
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException($"backend {backend.Name} cannot run {unsupported.Count} node(s): {string.Join("; ", unsupported.Take(8))}");
        }
        if (graph.Weights.Count > 0 && weights is null)
        {
            throw new ArgumentException($"graph has {graph.Weights.Count} weights (first '{graph.Weights[0].Name}') but no weight provider was given", nameof(weights));
        }
        Plan = MemoryPlanner.Plan(graph);
        _arena = backend.Allocate(Math.Max(Plan.ArenaBytes, MemoryPlanner.Alignment));
        _values = new BoundTensor?[graph.Nodes.Count];
        _auxValues = new BoundTensor?[graph.Nodes.Count];
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            _index[graph.Nodes[i].Id] = i;
        }
        foreach (var n in graph.Nodes)
        {
            int i = _index[n.Id];
            switch (n.Op)
            {
                case OpKind.Weight:
                    var bound = weights!.Bind(n, backend);
                    if (bound.DType != n.DType || bound.Shape != n.Shape)
                    {
                        throw new InvalidOperationException($"weight '{n.Name}' bound as {bound.Desc}, graph expects {n.Desc}");
                    }
                    _values[i] = bound;
                    break;
                case OpKind.AuxOutput:
                    _values[i] = (_auxValues[_index[n.Sources[0].Id]] ?? throw new InvalidOperationException($"'{n.Sources[0].Name}' has no aux storage")) with { Desc = n.Desc };
                    break;
                case OpKind.Reshape or OpKind.Permute or OpKind.Slice:
                    _values[i] = _values[_index[n.Sources[0].Id]]!.Value with { Desc = n.Desc };
                    break;
                default:
                    _values[i] = new BoundTensor(_arena, Plan.BlockOf(n).Offset, n.Desc);
                    if (n.AuxDesc is { } aux)
                    {
                        _auxValues[i] = new BoundTensor(_arena, Plan.BlockOf(n, aux: true).Offset, aux);
                    }
                    break;
            }
        }
    }

    /// <summary>The graph being run.</summary>
    public Graph Graph { get; }

    /// <summary>The arena layout.</summary>
    public MemoryPlan Plan { get; }

    /// <summary>The backend.</summary>
    public IBackend Backend => _backend;

    /// <summary>Copies <paramref name="value"/> into the input's slot. Float dtypes are converted to the input's dtype; shapes must match.</summary>
    public void SetInput(string name, HostTensor value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(value);
        var node = Graph.Inputs.FirstOrDefault(n => n.Name == name)
            ?? throw new ArgumentException($"graph has no input named '{name}' (inputs: {string.Join(", ", Graph.Inputs.Select(n => n.Name))})", nameof(name));
        if (value.Shape != node.Shape)
        {
            throw new ArgumentException($"input '{name}' expects shape {node.Shape}, got {value.Shape}", nameof(value));
        }
        if (value.DType != node.DType)
        {
            if (!value.DType.IsFloat() || !node.DType.IsFloat())
            {
                throw new ArgumentException($"input '{name}' expects {node.DType}, got {value.DType}", nameof(value));
            }
            value = value.ConvertTo(node.DType);
        }
        var slot = _values[_index[node.Id]]!.Value;
        _backend.Upload(value.Data, slot.Buffer, slot.ByteOffset);
    }

    /// <summary>True if the graph declares an input of this name.</summary>
    public bool HasInput(string name) => Graph.Inputs.Any(n => n.Name == name);

    /// <summary>Executes every node in order. Cancellation is checked between nodes.</summary>
    public void Run(NodeCallback? callback = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<BoundTensor> sources = new BoundTensor[16];
        foreach (var n in Graph.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!n.IsLeaf && !n.IsView)
            {
                int count = n.Sources.Count;
                var src = count <= sources.Length ? sources[..count] : new BoundTensor[count];
                for (int s = 0; s < count; s++)
                {
                    src[s] = _values[_index[n.Sources[s].Id]]!.Value;
                }
                int i = _index[n.Id];
                _backend.Execute(n, src, _values[i]!.Value, _auxValues[i]);
            }
            callback?.Invoke(n, this);
        }
    }

    /// <summary>Downloads a value as a dense host tensor. Valid for inputs and outputs at any time, for other nodes inside the callback of that node.</summary>
    public HostTensor Read(Node node)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_index.TryGetValue(node.Id, out int i) || _values[i] is not { } v)
        {
            throw new ArgumentException($"node '{node.Name}' is not part of this graph", nameof(node));
        }
        _backend.Synchronize();
        return ReadBound(_backend, v);
    }

    /// <summary>Downloads a value by node name.</summary>
    public HostTensor Read(string name) =>
        Read(Graph.ByName.TryGetValue(name, out var n) ? n : throw new ArgumentException($"graph has no node named '{name}'", nameof(name)));

    /// <summary>Downloads any bound tensor (strided views are gathered) as a dense host tensor.</summary>
    public static HostTensor ReadBound(IBackend backend, BoundTensor v)
    {
        int size = v.DType.SizeInBytes();
        long extent = v.Layout.StorageExtent;
        var storage = new byte[extent * size];
        backend.Download(v.Buffer, v.ByteOffset, storage);
        var result = new HostTensor(v.DType, v.Shape);
        long count = v.Shape.ElementCount;
        if (v.Layout.IsContiguous)
        {
            Array.Copy(storage, v.Layout.Offset * size, result.Data, 0, count * size);
            return result;
        }
        for (long e = 0; e < count; e++)
        {
            Array.Copy(storage, v.Layout.IndexOfLinear(e) * size, result.Data, e * size, size);
        }
        return result;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _arena.Dispose();
            _disposed = true;
        }
    }
}
