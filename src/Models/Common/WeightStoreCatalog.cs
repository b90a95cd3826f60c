using Locus.Engine.IO;
using Locus.Engine.Tensors;

namespace Locus.Models.Common;

/// <summary>An <see cref="IWeightCatalog"/> over a <see cref="WeightStore"/>; keys are relative to the store's key prefix.</summary>
public sealed class WeightStoreCatalog(WeightStore store) : IWeightCatalog
{
    private readonly WeightStore _store = store ?? throw new ArgumentNullException(nameof(store));

    public string Source => _store.Path;

    public IEnumerable<string> Keys => _store.Keys
        .Where(k => k.StartsWith(_store.KeyPrefix, StringComparison.Ordinal))
        .Select(k => k[_store.KeyPrefix.Length..]);

    public bool TryGetInfo(string key, out DType dtype, out Engine.Tensors.Shape shape)
    {
        string full = _store.KeyPrefix + key;
        if (!_store.Contains(full))
        {
            dtype = default;
            shape = default;
            return false;
        }
        dtype = _store.DTypeOf(full);
        shape = _store.ShapeOf(full);
        return true;
    }
}
