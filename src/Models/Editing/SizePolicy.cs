namespace Locus.Models.Editing;

/// <summary>
/// How the source image is sized before VAE encoding (the edited image has the same size). Every result is a multiple of
/// lcm(16, 2·f) (f = the VAE factor; 16 for both real models) so the latent packs 2×2.
/// </summary>
public sealed record SizePolicy
{
    /// <summary>The resolutions FLUX.1-Kontext was trained on (diffusers <c>PREFERRED_KONTEXT_RESOLUTIONS</c>, width × height).</summary>
    public static readonly IReadOnlyList<(int Width, int Height)> KontextResolutions =
    [
        (672, 1568), (688, 1504), (720, 1456), (752, 1392), (800, 1328), (832, 1248), (880, 1184), (944, 1104), (1024, 1024),
        (1104, 944), (1184, 880), (1248, 832), (1328, 800), (1392, 752), (1456, 720), (1504, 688), (1568, 672),
    ];

    private SizePolicy(SizePolicyKind kind, long area = 0, int width = 0, int height = 0)
    {
        Kind = kind;
        TargetArea = area;
        Width = width;
        Height = height;
    }

    /// <summary>The rule.</summary>
    public SizePolicyKind Kind { get; }

    /// <summary>Pixels aimed at (<see cref="SizePolicyKind.Area"/>).</summary>
    public long TargetArea { get; }

    /// <summary>Requested width (<see cref="SizePolicyKind.Exact"/>).</summary>
    public int Width { get; }

    /// <summary>Requested height (<see cref="SizePolicyKind.Exact"/>).</summary>
    public int Height { get; }

    /// <summary>Each side to the nearest multiple (the source's size up to rounding). The default.</summary>
    public static SizePolicy NearestMultiple { get; } = new(SizePolicyKind.NearestMultiple);

    /// <summary>
    /// FluxKontextPipeline's auto-resize: the <see cref="KontextResolutions"/> entry whose aspect ratio is closest to the
    /// source's (ties: the smaller width), floored to the multiple.
    /// </summary>
    public static SizePolicy KontextPreferred { get; } = new(SizePolicyKind.KontextPreferred);

    /// <summary>
    /// QwenImageEditPipeline's <c>calculate_dimensions</c>: about <paramref name="pixels"/> pixels with the source's aspect ratio,
    /// each side rounded (half to even) to a multiple of 32 (default 1024², as the pipeline does).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 256 or more than 64 M pixels.</exception>
    public static SizePolicy Area(long pixels = 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels, 256);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pixels, 1L << 26);
        return new(SizePolicyKind.Area, area: pixels);
    }

    /// <summary>Exactly <paramref name="width"/> × <paramref name="height"/> (both multiples of 16; the aspect ratio may change).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side that is not a positive multiple of 16 or exceeds 8192.</exception>
    public static SizePolicy Exact(int width, int height)
    {
        foreach (var (side, name) in new[] { (width, nameof(width)), (height, nameof(height)) })
        {
            if (side < 16 || side > 8192 || side % 16 != 0)
            {
                throw new ArgumentOutOfRangeException(name, side, "an exact size must be a multiple of 16 in [16, 8192]");
            }
        }
        return new(SizePolicyKind.Exact, width: width, height: height);
    }

    /// <summary>The processed size for a source of <paramref name="width"/> × <paramref name="height"/> and a size <paramref name="multiple"/>.</summary>
    /// <exception cref="ArgumentException">An exact size that is not a multiple of <paramref name="multiple"/>.</exception>
    public (int Width, int Height) Resolve(int width, int height, int multiple)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(multiple);
        double ratio = width / (double)height;
        switch (Kind)
        {
            case SizePolicyKind.KontextPreferred:
                var best = KontextResolutions.OrderBy(r => Math.Abs(ratio - (r.Width / (double)r.Height))).ThenBy(r => r.Width).ThenBy(r => r.Height).First();
                return (Floor(best.Width, multiple), Floor(best.Height, multiple));
            case SizePolicyKind.Area:
                double w = Math.Sqrt(TargetArea * ratio), h = w / ratio;
                int aw = (int)Math.Round(w / 32, MidpointRounding.ToEven) * 32, ah = (int)Math.Round(h / 32, MidpointRounding.ToEven) * 32;
                return (Floor(Math.Max(aw, 32), multiple), Floor(Math.Max(ah, 32), multiple));
            case SizePolicyKind.Exact:
                if (Width % multiple != 0 || Height % multiple != 0)
                {
                    throw new ArgumentException($"size {Width}×{Height} must be a multiple of {multiple} for this model (VAE factor × 2 and 16)", "Size");
                }
                return (Width, Height);
            default:
                return Engine.IO.Images.ImageResize.MultipleOfSize(width, height, multiple);
        }
    }

    private static int Floor(int side, int multiple) => Math.Max(multiple, side / multiple * multiple);
}
