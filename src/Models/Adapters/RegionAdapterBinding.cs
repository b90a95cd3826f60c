using Locus.Engine.IO;

namespace Locus.Models.Adapters;

/// <summary>
/// A loaded region adapter attached to a transformer session in <see cref="RegionAdapterMode.Precomputed"/> mode: its config,
/// its weights (not owned) and the target latent token grid Hl × Wl.
/// </summary>
public sealed record RegionAdapterBinding(RegionAdapterConfig Config, WeightStore Weights, int LatentHeight, int LatentWidth);
