using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// Random weights for the adapter benchmark (no files). The backbone's are a <see cref="RandomWeights"/> catalog (any key the
/// model declares); the adapter's catalog holds exactly <see cref="RegionAdapterWeights.Shapes"/> of the config, so a tensor the
/// adapter graph asks for that the spec does not list (or with another shape) fails the build. Binding routes through
/// <see cref="AdapterWeights"/> to the two <see cref="RandomWeights"/>, which bind each name once per backend: the backbone
/// graph, the adapted graph and the preludes share one device copy of every weight (a paper-scale Qwen-Image-Edit plus adapter is ≈ 50 GB in bf16; two copies would not fit an 80 GB GPU).
/// </summary>
public sealed class AdapterBenchWeights : IWeightProvider, IDisposable
{
    private readonly RandomWeights _backbone;
    private readonly RandomWeights _adapter;
    private readonly AdapterWeights _router;
    private readonly AdapterCatalog _adapterCatalog;

    /// <summary>Random backbone and adapter weights stored as <paramref name="dtype"/> (f32 or bf16).</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a float type.</exception>
    public AdapterBenchWeights(RegionAdapterConfig config, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        _backbone = new RandomWeights(dtype, seed: 1);
        _adapter = new RandomWeights(dtype, seed: 2);
        _router = new AdapterWeights(_backbone, _adapter);
        _adapterCatalog = new AdapterCatalog(RegionAdapterWeights.Shapes(config), dtype);
        AdapterParameterCount = RegionAdapterWeights.ParameterCount(config);
    }

    /// <summary>The backbone's catalog (declares whatever the backbone asks for).</summary>
    public IWeightCatalog Backbone => _backbone;

    /// <summary>The adapter's catalog: the tensors of the spec for the config, nothing else.</summary>
    public IWeightCatalog Adapter => _adapterCatalog;

    /// <summary>Parameters the backbone graph declared (0 before it is built).</summary>
    public long BackboneParameterCount => _backbone.ParameterCount;

    /// <summary>Parameters of the adapter (every tensor of the spec, adapted blocks included).</summary>
    public long AdapterParameterCount { get; }

    /// <summary>Binds <paramref name="weight"/> once per name and backend (<see cref="RandomWeights.Bind"/>); later graphs get the same storage.</summary>
    /// <exception cref="InvalidOperationException">A name bound before with another dtype or shape.</exception>
    public BoundTensor Bind(Node weight, IBackend backend) => _router.Bind(weight, backend);

    public void Dispose()
    {
        _backbone.Dispose();
        _adapter.Dispose();
    }

    /// <summary>A fixed name → shape list with one dtype.</summary>
    private sealed class AdapterCatalog(IReadOnlyList<KeyValuePair<string, Shape>> shapes, DType storedType) : IWeightCatalog
    {
        private readonly Dictionary<string, Shape> _shapes = shapes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        public string Source => "random adapter weights (region-adapter spec)";

        public IEnumerable<string> Keys => _shapes.Keys;

        public bool TryGetInfo(string key, out DType dtype, out Shape shape)
        {
            dtype = storedType;
            return _shapes.TryGetValue(key, out shape);
        }
    }
}
