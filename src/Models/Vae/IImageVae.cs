using Locus.Engine.Graph;

namespace Locus.Models.Vae;

/// <summary>
/// What the edit pipeline needs from an image VAE, as graph builders: encode an image to its posterior mean, map it to
/// the transformer's latent space and back, and decode. Implemented by <see cref="AutoencoderKl"/> (FLUX/Kontext) and
/// <see cref="QwenImageVae"/> (Qwen-Image-Edit, single-image path).
/// </summary>
public interface IImageVae
{
    /// <summary>Channels of the VAE latent (16 for both real models).</summary>
    int LatentChannels { get; }

    /// <summary>Spatial factor between image and latent (8 for both real models).</summary>
    int DownsampleFactor { get; }

    /// <summary>Image channels into the encoder.</summary>
    int InChannels { get; }

    /// <summary>Image channels out of the decoder.</summary>
    int OutChannels { get; }

    /// <summary>Image [1, in, H, W] in [−1, 1] → posterior mean [1, C, H/f, W/f].</summary>
    /// <exception cref="ArgumentException">The image shape does not fit the VAE.</exception>
    /// <exception cref="Engine.IO.WeightLoadException">A weight is missing or has another shape.</exception>
    Node BuildEncodeMean(GraphBuilder g, Node image);

    /// <summary>VAE mean [1, C, h, w] → transformer latent [1, C, h, w] (the pipeline's normalisation).</summary>
    Node ToTransformerLatent(GraphBuilder g, Node mean);

    /// <summary>Transformer latent [1, C, h, w] → VAE latent [1, C, h, w] (inverse of <see cref="ToTransformerLatent"/>).</summary>
    Node FromTransformerLatent(GraphBuilder g, Node latent);

    /// <summary>VAE latent [1, C, h, w] → image [1, out, h·f, w·f], ≈[−1, 1] (the Qwen VAE clamps to [−1, 1]).</summary>
    /// <exception cref="ArgumentException">The latent shape does not fit the VAE.</exception>
    /// <exception cref="Engine.IO.WeightLoadException">A weight is missing or has another shape.</exception>
    Node BuildDecode(GraphBuilder g, Node latent);
}
