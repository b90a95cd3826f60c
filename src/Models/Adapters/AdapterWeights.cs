using Locus.Engine.Backends;
using Locus.Engine.Graph;

namespace Locus.Models.Adapters;

/// <summary>Binds <c>region_adapter.*</c> weights from the adapter's provider and every other weight from the backbone's.</summary>
public sealed class AdapterWeights(IWeightProvider backbone, IWeightProvider adapter) : IWeightProvider
{
    private readonly IWeightProvider _backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
    private readonly IWeightProvider _adapter = adapter ?? throw new ArgumentNullException(nameof(adapter));

    /// <summary>Routes by the weight's key prefix.</summary>
    public BoundTensor Bind(Node weight, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return weight.Name.StartsWith(RegionAdapterWeights.Prefix + ".", StringComparison.Ordinal)
            ? _adapter.Bind(weight, backend)
            : _backbone.Bind(weight, backend);
    }
}
