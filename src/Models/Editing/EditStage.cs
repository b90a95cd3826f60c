namespace Locus.Models.Editing;

/// <summary>The stage an <see cref="EditProgress"/> report is about.</summary>
public enum EditStage
{
    /// <summary>Weights being uploaded to the backend (the first edit of a pipeline, or <see cref="EditPipeline.Load"/>): reported as it goes, with bytes.</summary>
    Load,

    /// <summary>VAE encode of the source (reported when it starts).</summary>
    Encode,

    /// <summary>The mask stage before the steps: the adapter's prelude / MaskPredictor (reported when it starts).</summary>
    Mask,

    /// <summary>A denoising step finished (reported after each step).</summary>
    Denoise,

    /// <summary>VAE decode (reported when it starts).</summary>
    Decode,
}
