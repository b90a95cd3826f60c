using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Models.Common;

namespace Locus.Models.Editing;

/// <summary>
/// One model part's weights for the pipeline: a checkpoint (<see cref="WeightStore"/>, every tensor must be used) or
/// synthetic random weights (<see cref="RandomWeights"/>, for end-to-end benchmarks at real model shapes without files).
/// Owns what it wraps.
/// </summary>
internal sealed class ModelWeights : IDisposable
{
    private readonly IDisposable _owner;

    private ModelWeights(IWeightCatalog catalog, IWeightProvider provider, WeightStore? store, IDisposable owner)
    {
        Catalog = catalog;
        Provider = provider;
        Store = store;
        _owner = owner;
    }

    /// <summary>What graph builders read names and shapes from.</summary>
    public IWeightCatalog Catalog { get; }

    /// <summary>What executors bind from.</summary>
    public IWeightProvider Provider { get; }

    /// <summary>The checkpoint, or null for synthetic weights.</summary>
    public WeightStore? Store { get; }

    public static ModelWeights FromStore(WeightStore store) => new(new WeightStoreCatalog(store), store, store, store);

    public static ModelWeights FromRandom(RandomWeights weights) => new(weights, weights, null, weights);

    /// <summary>A catalog that is its own provider (e.g. the Qwen VAE's 5-D → T = 1 view), checked by its model.</summary>
    public static ModelWeights FromView<T>(T weights)
        where T : IWeightCatalog, IWeightProvider, IDisposable => new(weights, weights, null, weights);

    public void Dispose() => _owner.Dispose();
}
