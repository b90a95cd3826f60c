using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>The edit mask source of a request. User masks are F32 [H, W] in [0, 1] (1 = edit) with the source image's aspect ratio.</summary>
public sealed record MaskSource
{
    private MaskSource(MaskSourceKind kind, HostTensor? mask, IReadOnlyList<int>? tokens)
    {
        Kind = kind;
        Mask = mask;
        Tokens = tokens;
    }

    /// <summary>The kind.</summary>
    public MaskSourceKind Kind { get; }

    /// <summary>The user mask [H, W] (kind <see cref="MaskSourceKind.User"/>).</summary>
    public HostTensor? Mask { get; }

    /// <summary>Text token indices (kind <see cref="MaskSourceKind.Attention"/>).</summary>
    public IReadOnlyList<int>? Tokens { get; }

    /// <summary>No mask.</summary>
    public static MaskSource None { get; } = new(MaskSourceKind.None, null, null);

    /// <summary>The region adapter's MaskPredictor mask (computed once per edit from the source latent; needs a pipeline opened with an adapter).</summary>
    public static MaskSource Predicted { get; } = new(MaskSourceKind.Predicted, null, null);

    /// <summary>A user mask tensor [H, W] (values in [0, 1], 1 = edit).</summary>
    /// <exception cref="ArgumentException">Not a 2-D tensor, or a value outside [0, 1] / NaN.</exception>
    public static MaskSource FromTensor(HostTensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Shape.Rank != 2 || mask.Shape[0] < 1 || mask.Shape[1] < 1)
        {
            throw new ArgumentException($"mask must be [H, W], got {mask.Shape}", nameof(mask));
        }
        var f = mask.DType == DType.F32 ? mask : mask.ConvertTo(DType.F32);
        foreach (float v in f.AsSpan<float>())
        {
            if (!(v >= 0f && v <= 1f))
            {
                throw new ArgumentException($"mask values must lie in [0, 1], found {v}", nameof(mask));
            }
        }
        return new(MaskSourceKind.User, f, null);
    }

    /// <summary>A user mask PNG (grey or RGB; luminance, 1 = white = edit).</summary>
    /// <exception cref="ImageFormatException">Missing or unreadable file.</exception>
    public static MaskSource FromFile(string path) => FromTensor(MaskImage.Load(path));

    /// <summary>Attention-derived mask for the given text tokens (not implemented yet: the pipeline throws NotSupportedException).</summary>
    public static MaskSource FromAttention(IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new(MaskSourceKind.Attention, null, tokens.ToArray());
    }
}
