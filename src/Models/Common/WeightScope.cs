using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;

namespace Locus.Models.Common;

/// <summary>
/// candle's <c>VarBuilder</c> analogue: a key prefix over a <see cref="GraphBuilder"/> and a checkpoint
/// catalog. <c>scope.Push("transformer_blocks").Push(3).Get("attn.to_q.weight", 3072, 3072)</c> declares the
/// weight node <c>transformer_blocks.3.attn.to_q.weight</c> with the stored dtype. The same prefix names the
/// op nodes (<see cref="Name"/>), so intermediates carry diffusers' module paths.
/// </summary>
public sealed class WeightScope
{
    private readonly IWeightCatalog _catalog;

    /// <summary>A root scope (empty prefix).</summary>
    public WeightScope(GraphBuilder graph, IWeightCatalog catalog)
        : this(graph, catalog, string.Empty)
    {
    }

    private WeightScope(GraphBuilder graph, IWeightCatalog catalog, string prefix)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(catalog);
        Graph = graph;
        _catalog = catalog;
        Prefix = prefix;
    }

    /// <summary>The graph being built.</summary>
    public GraphBuilder Graph { get; }

    /// <summary>The key prefix ("" at the root, else e.g. "transformer_blocks.3").</summary>
    public string Prefix { get; }

    /// <summary>The checkpoint catalog.</summary>
    public IWeightCatalog Catalog => _catalog;

    /// <summary>A child scope <c>Prefix.segment</c>.</summary>
    public WeightScope Push(string segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment);
        return new WeightScope(Graph, _catalog, Name(segment));
    }

    /// <summary>A child scope <c>Prefix.index</c> (module lists).</summary>
    public WeightScope Push(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Push(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Full name of <paramref name="local"/> under this scope.</summary>
    public string Name(string local) => Prefix.Length == 0 ? local : Prefix + "." + local;

    /// <summary>True when the checkpoint holds <c>Prefix.key</c>.</summary>
    public bool Contains(string key) => _catalog.TryGetInfo(Name(key), out _, out _);

    /// <summary>
    /// Declares the weight <c>Prefix.key</c> with its stored dtype.
    /// </summary>
    /// <exception cref="WeightLoadException">The key is missing, or its stored shape differs from <paramref name="expected"/>
    /// (the message names the full key, the source and both shapes).</exception>
    public Node Get(string key, params int[] expected)
    {
        string full = Name(key);
        var want = new Shape(expected);
        if (_catalog is ISyntheticWeightCatalog synthetic)
        {
            return Graph.Weight(full, synthetic.Declare(full, want), want);
        }
        if (!_catalog.TryGetInfo(full, out var dtype, out var shape))
        {
            throw new WeightLoadException($"weight '{full}' {want} is missing from {_catalog.Source}");
        }
        if (shape != want)
        {
            throw new WeightLoadException($"weight '{full}' in {_catalog.Source} has shape {shape}, the model expects {want}");
        }
        if (!dtype.IsFloat())
        {
            throw new WeightLoadException($"weight '{full}' in {_catalog.Source} is {dtype}; a float type is required");
        }
        return Graph.Weight(full, dtype, shape);
    }
}
