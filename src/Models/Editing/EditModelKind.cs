namespace Locus.Models.Editing;

/// <summary>The editor family of a model folder, from the transformer config's <c>_class_name</c>.</summary>
public enum EditModelKind
{
    /// <summary><c>FluxTransformer2DModel</c> (FLUX.1-Kontext): distilled guidance embedding, no true CFG.</summary>
    FluxKontext,

    /// <summary><c>QwenImageTransformer2DModel</c> (Qwen-Image-Edit): true CFG with norm rescale.</summary>
    QwenImageEdit,
}
