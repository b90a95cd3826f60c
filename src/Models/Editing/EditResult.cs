using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>The outcome of one edit.</summary>
public sealed record EditResult
{
    /// <summary>The edited image (the processed size: the source resized to the size policy).</summary>
    public required Rgb8Image Image { get; init; }

    /// <summary>The source image at the processed size.</summary>
    public required Rgb8Image Source { get; init; }

    /// <summary>The mask used on the packed token grid [H/(2f), W/(2f)] (after threshold), or null without a mask.</summary>
    public HostTensor? TokenMask { get; init; }

    /// <summary><see cref="TokenMask"/> upsampled (nearest) to the image [H, W], or null.</summary>
    public HostTensor? PixelMask { get; init; }

    /// <summary>Final packed target latents [1, N_tgt, 4C] (before unpack/decode).</summary>
    public required HostTensor Latents { get; init; }

    /// <summary>Packed source (reference) latents [1, N_ref, 4C] = x0.</summary>
    public required HostTensor SourceLatents { get; init; }

    /// <summary>Per-stage wall times.</summary>
    public required EditTimings Timings { get; init; }

    /// <summary>Captured attention maps (when the request captured), else null.</summary>
    public EditMaps? Maps { get; init; }

    /// <summary>True when the region adapter took part (the pipeline has one, the request allowed it and a mask was known).</summary>
    public bool AdapterUsed { get; init; }

    /// <summary>Denoising steps run.</summary>
    public int Steps { get; init; }

    /// <summary>The true CFG scale applied, or null when true CFG was off.</summary>
    public float? TrueCfgScale { get; init; }

    /// <summary>The seed used.</summary>
    public long Seed { get; init; }
}
