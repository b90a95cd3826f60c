using Locus.Engine.Tensors;

namespace Locus.Models.Common;

/// <summary>
/// A catalog that holds no checkpoint: it accepts whatever key and shape the model declares (random weights for
/// benchmarks). <see cref="WeightScope.Get"/> calls <see cref="Declare"/> instead of checking a stored shape.
/// </summary>
public interface ISyntheticWeightCatalog : IWeightCatalog
{
    /// <summary>Records <paramref name="key"/> with <paramref name="shape"/>; returns the dtype it will be bound with.</summary>
    DType Declare(string key, Shape shape);
}
