namespace Locus.Models.Adapters;

/// <summary>How the adapter gets its mask.</summary>
public enum RegionAdapterMode
{
    /// <summary>No adapter: the backbone graph is unchanged.</summary>
    Off,

    /// <summary>A user mask on the latent grid (input <c>region_adapter.mask</c> [B, 1, Hl, Wl]).</summary>
    UserMask,

    /// <summary>The MaskPredictor's binary mask from the packed source latent (input <c>region_adapter.source_latent</c>).</summary>
    PredictedMask,
}
