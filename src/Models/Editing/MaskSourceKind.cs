namespace Locus.Models.Editing;

/// <summary>Where the edit mask comes from.</summary>
public enum MaskSourceKind
{
    /// <summary>No mask: the whole image is editable.</summary>
    None,

    /// <summary>A user mask image (1 = edit).</summary>
    User,

    /// <summary>The region adapter's MaskPredictor (once per edit, from the source latent).</summary>
    Predicted,

    /// <summary>IAM-style attention maps for chosen text tokens (not implemented yet).</summary>
    Attention,
}
