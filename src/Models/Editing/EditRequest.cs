using Locus.Engine.IO.Images;

namespace Locus.Models.Editing;

/// <summary>One edit: the source image, the prompt embeddings and the sampling / mask / GRAG / blend settings.</summary>
public sealed record EditRequest
{
    /// <summary>The source image (resized to a multiple of 16 and of twice the VAE factor).</summary>
    public required Rgb8Image Image { get; init; }

    /// <summary>Text-encoder hidden states (and optional negative ones).</summary>
    public required PromptEmbeddings Embeddings { get; init; }

    /// <summary>Denoising steps (≥ 1), or null for the model's default: 28 (FluxKontextPipeline), 50 (QwenImageEditPipeline).</summary>
    public int? Steps { get; init; }

    /// <summary>Kontext distilled guidance scale (guidance embedding input). Default 3.5.</summary>
    public float Guidance { get; init; } = 3.5f;

    /// <summary>
    /// True CFG scale s: used when &gt; 1 and negative embeddings are given (v = v_neg + s·(v − v_neg); Qwen also rescales the
    /// norm). null = the model's default: 1 (off) for Kontext, 4 for Qwen-Image-Edit.
    /// </summary>
    public float? TrueCfgScale { get; init; }

    /// <summary>How the source is sized (the output has that size). Default <see cref="SizePolicy.NearestMultiple"/>.</summary>
    public SizePolicy Size { get; init; } = SizePolicy.NearestMultiple;

    /// <summary>Seed of the initial noise (<see cref="SeededNoise"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Mask source. Default none.</summary>
    public MaskSource Mask { get; init; } = MaskSource.None;

    /// <summary>FlowBlend settings, or null for no blending (needs a mask).</summary>
    public BlendOptions? Blend { get; init; }

    /// <summary>GRAG settings, or null for none.</summary>
    public GragSettings? Grag { get; init; }

    /// <summary>
    /// Use the pipeline's region adapter (when it was opened with one) with the edit mask: a user mask, or the MaskPredictor's
    /// mask for <see cref="MaskSource.Predicted"/>. Without a mask the adapter is off. Default true.
    /// </summary>
    public bool UseAdapter { get; init; } = true;

    /// <summary>Attention capture (maps and the attention-derived mask's settings), or null: then only <see cref="MaskSource.FromAttention"/> captures, with defaults.</summary>
    public AttentionCaptureSettings? Capture { get; init; }

    /// <summary>Region attention bias, or null for none (needs a mask).</summary>
    public RegionBiasSettings? RegionBias { get; init; }

    /// <summary>After decoding, replace pixels outside the mask by the (resized) source: out = m·out + (1 − m)·src. Needs a mask.</summary>
    public bool Composite { get; init; }

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A missing or out-of-range value (the message names it).</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Image, nameof(Image));
        ArgumentNullException.ThrowIfNull(Embeddings, nameof(Embeddings));
        ArgumentNullException.ThrowIfNull(Mask, nameof(Mask));
        ArgumentNullException.ThrowIfNull(Size, nameof(Size));
        if (Steps is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be in [1, 1000]");
        }
        if (!float.IsFinite(Guidance) || Guidance < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(Guidance), Guidance, "guidance must be finite and ≥ 0");
        }
        if (TrueCfgScale is { } cfg && (!float.IsFinite(cfg) || cfg < 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(TrueCfgScale), TrueCfgScale, "true CFG scale must be finite and ≥ 0");
        }
        Blend?.Validate();
        Grag?.Validate();
        Capture?.Validate();
        RegionBias?.Validate();
        if (RegionBias is not null && Mask.Kind == MaskSourceKind.None)
        {
            throw new ArgumentException("region bias needs a mask (mask source is none)", nameof(RegionBias));
        }
        if (Mask.Kind == MaskSourceKind.Attention && (Mask.Tokens is not { Count: > 0 } || Mask.Tokens.Any(t => t < 0)))
        {
            throw new ArgumentException("an attention mask needs at least one instruction token index ≥ 0", nameof(Mask));
        }
        if ((Blend is not null || Composite) && Mask.Kind == MaskSourceKind.None)
        {
            throw new ArgumentException("blend and composite need a mask (mask source is none)", nameof(Mask));
        }
    }
}
