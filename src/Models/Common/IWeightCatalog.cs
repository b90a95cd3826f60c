using Locus.Engine.Tensors;

namespace Locus.Models.Common;

/// <summary>
/// What a model needs to know about a checkpoint while it builds its graph: which keys exist and their
/// stored dtype and shape. Implemented over <c>WeightStore</c> (<see cref="WeightStoreCatalog"/>) and by
/// random/in-memory providers (benchmarks, tests). No tensor data is read here.
/// </summary>
public interface IWeightCatalog
{
    /// <summary>Where the weights come from (a file path or "random"), for error messages.</summary>
    string Source { get; }

    /// <summary>Every key (without any key prefix the store strips).</summary>
    IEnumerable<string> Keys { get; }

    /// <summary>Stored dtype and shape of <paramref name="key"/>, or false when the key is absent.</summary>
    bool TryGetInfo(string key, out DType dtype, out Shape shape);
}
