namespace Locus.Models.Editing;

/// <summary>The rule of a <see cref="SizePolicy"/>.</summary>
public enum SizePolicyKind
{
    /// <summary>Each side to the nearest multiple.</summary>
    NearestMultiple,

    /// <summary>FLUX.1-Kontext's preferred resolutions (closest aspect ratio).</summary>
    KontextPreferred,

    /// <summary>A target pixel area with the source's aspect ratio (Qwen-Image-Edit).</summary>
    Area,

    /// <summary>A given width and height.</summary>
    Exact,
}
