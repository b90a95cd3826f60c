namespace Locus.Models.Adapters;

/// <summary>How the adapter gets its mask (and where its per-edit values are computed).</summary>
public enum RegionAdapterMode
{
    /// <summary>No adapter: the backbone graph is unchanged.</summary>
    Off,

    /// <summary>A user mask on the latent grid (input <c>region_adapter.mask</c> [B, 1, Hl, Wl]); encoder and gates in the step graph.</summary>
    UserMask,

    /// <summary>The MaskPredictor's binary mask from the packed source latent (input <c>region_adapter.source_latent</c>); all in the step graph.</summary>
    PredictedMask,

    /// <summary>
    /// The per-edit values come from <see cref="RegionAdapterPrelude"/> (run once per edit): inputs <c>region_adapter.condition</c>
    /// [B, N_c, D] and <c>region_adapter.gates</c> [B, L, n_adapted]. The step graph holds only the block adapters.
    /// </summary>
    Precomputed,
}
