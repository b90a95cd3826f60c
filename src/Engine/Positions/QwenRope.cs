namespace Locus.Engine.Positions;

/// <summary>
/// Qwen-Image RoPE tables (diffusers QwenEmbedRope, scale_rope = true; mmdit-spec §3.6). Per axis (frame, height,
/// width) with dim dᵢ: ω_{i,k} = 1/θ^(2k/dᵢ) and angle = pos·ω in float32 (as the fp32 precomputed tables), cos/sin of
/// that float32 angle. Image m (0 = target) of f × h × w packed tokens, token (fr, r, c): frame pos m + fr,
/// height pos r − (h − h/2), width pos c − (w − w/2). Text token j: pos P + j on all three axes, P = max over images
/// of max(h/2, w/2).
/// </summary>
public static class QwenRope
{
    /// <summary>Largest |position| of the precomputed diffusers tables (positions −4096..4095).</summary>
    public const int MaxPosition = 4096;

    /// <summary>Tables of all image tokens, images in order (target first), each frame-row-col row-major.</summary>
    /// <exception cref="ArgumentException">A shape is not positive or an axis dim is odd.</exception>
    public static RopeTables BuildImages(IReadOnlyList<(int Frames, int Height, int Width)> imageShapes, int[] axesDims, float theta = 10000f)
    {
        ArgumentNullException.ThrowIfNull(imageShapes);
        int half = CheckAxes(axesDims);
        var cos = new List<float>();
        var sin = new List<float>();
        int tokens = 0;
        for (int m = 0; m < imageShapes.Count; m++)
        {
            var (f, h, w) = imageShapes[m];
            if (f <= 0 || h <= 0 || w <= 0 || h / 2 >= MaxPosition || w / 2 >= MaxPosition)
            {
                throw new ArgumentException($"image {m} shape ({f}, {h}, {w}) must be positive and below {MaxPosition} per axis", nameof(imageShapes));
            }
            for (int fr = 0; fr < f; fr++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int c = 0; c < w; c++)
                    {
                        AddRow(cos, sin, axesDims, theta, m + fr, r - (h - h / 2), c - (w - w / 2));
                        tokens++;
                    }
                }
            }
        }
        return new RopeTables([.. cos], [.. sin], tokens, half);
    }

    /// <summary>Tables of <paramref name="textTokens"/> text tokens, positions P..P + textTokens − 1 on every axis.</summary>
    /// <exception cref="ArgumentException">No image shape is given, or P + textTokens exceeds the table length.</exception>
    public static RopeTables BuildText(IReadOnlyList<(int Frames, int Height, int Width)> imageShapes, int textTokens, int[] axesDims, float theta = 10000f)
    {
        ArgumentNullException.ThrowIfNull(imageShapes);
        int half = CheckAxes(axesDims);
        if (imageShapes.Count == 0)
        {
            throw new ArgumentException("at least one image shape is needed for the text offset", nameof(imageShapes));
        }
        int p = imageShapes.Max(s => Math.Max(s.Height / 2, s.Width / 2));
        if (textTokens < 0 || p + textTokens > MaxPosition)
        {
            throw new ArgumentException($"text positions {p}..{p + textTokens - 1} exceed the RoPE table ({MaxPosition} positions)", nameof(textTokens));
        }
        var cos = new List<float>();
        var sin = new List<float>();
        for (int j = 0; j < textTokens; j++)
        {
            AddRow(cos, sin, axesDims, theta, p + j, p + j, p + j);
        }
        return new RopeTables([.. cos], [.. sin], textTokens, half);
    }

    /// <summary>Joint tables in the model's token order: text, then the images.</summary>
    public static RopeTables BuildJoint(IReadOnlyList<(int Frames, int Height, int Width)> imageShapes, int textTokens, int[] axesDims, float theta = 10000f) =>
        RopeTables.Concat(BuildText(imageShapes, textTokens, axesDims, theta), BuildImages(imageShapes, axesDims, theta));

    private static void AddRow(List<float> cos, List<float> sin, int[] axesDims, float theta, int p0, int p1, int p2)
    {
        ReadOnlySpan<int> pos = [p0, p1, p2];
        for (int a = 0; a < 3; a++)
        {
            int d = axesDims[a];
            for (int k = 0; k < d / 2; k++)
            {
                // fp32 as torch: 1 / pow(θ, (2k as f32) / d) and angle = pos·ω rounded to f32.
                float omega = 1f / (float)Math.Pow(theta, (float)(2 * k) / d);
                float angle = pos[a] * omega;
                cos.Add((float)Math.Cos(angle));
                sin.Add((float)Math.Sin(angle));
            }
        }
    }

    private static int CheckAxes(int[] axesDims)
    {
        ArgumentNullException.ThrowIfNull(axesDims);
        if (axesDims.Length != 3 || axesDims.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new ArgumentException($"axes dims ({string.Join(", ", axesDims)}) must be 3 positive even numbers (frame, height, width)", nameof(axesDims));
        }
        return axesDims.Sum() / 2;
    }
}
