using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Host-side RoPE tables for the graph's <c>rope_cos</c>/<c>rope_sin</c> inputs, [N, Dh/2] f32 for the joint
/// sequence (text first). Both models rotate adjacent pairs (x₂ⱼ, x₂ⱼ₊₁) by θⱼ (mmdit-spec §1.9, §3.6).
/// </summary>
public static class RopeTables
{
    /// <summary>
    /// diffusers FluxPosEmbed (transformer_flux.py): ids = cat(txt_ids, img_ids) [N, 3]; per axis i with dim dᵢ,
    /// ω = 1/10000^(2k/dᵢ) and θ = pos·ω in float64, cos/sin rounded to float32.
    /// </summary>
    /// <exception cref="ArgumentException">ids are not [N, 3] or the axes do not fit.</exception>
    public static (HostTensor Cos, HostTensor Sin) Flux(HostTensor txtIds, HostTensor imgIds, IReadOnlyList<int> axes)
    {
        var txt = Ids(txtIds, nameof(txtIds));
        var img = Ids(imgIds, nameof(imgIds));
        int n = txt.Length / 3 + img.Length / 3;
        int half = axes.Sum() / 2;
        var cos = new float[n * half];
        var sin = new float[n * half];
        for (int t = 0; t < n; t++)
        {
            var ids = t < txt.Length / 3 ? txt.AsSpan(t * 3, 3) : img.AsSpan((t - txt.Length / 3) * 3, 3);
            int col = 0;
            for (int a = 0; a < axes.Count; a++)
            {
                int d = axes[a];
                for (int k = 0; k < d / 2; k++)
                {
                    double omega = 1.0 / Math.Pow(10000.0, 2.0 * k / d);
                    double theta = ids[a] * omega;
                    cos[t * half + col] = (float)Math.Cos(theta);
                    sin[t * half + col] = (float)Math.Sin(theta);
                    col++;
                }
            }
        }
        return (HostTensor.FromFloats(new Shape(n, half), cos), HostTensor.FromFloats(new Shape(n, half), sin));
    }

    /// <summary>
    /// diffusers QwenEmbedRope (scale_rope=True): image i of <paramref name="imageShapes"/> (frame, h, w in packed
    /// tokens) gets frame index i + f, rows r − (h − h/2), cols c − (w − w/2); text token j gets P + j on all axes,
    /// P = max over images of max(h/2, w/2). Angles in float32 (ω = 1/10000^(2k/d) in float32).
    /// Returns the joint table, text rows first: [Ntxt + Σ f·h·w, Dh/2].
    /// </summary>
    /// <exception cref="ArgumentException">An empty or non-positive shape, or positions beyond the 4096-entry table.</exception>
    public static (HostTensor Cos, HostTensor Sin) Qwen(IReadOnlyList<(int Frames, int Height, int Width)> imageShapes, int textTokens, IReadOnlyList<int> axes)
    {
        if (imageShapes.Count == 0 || imageShapes.Any(s => s.Frames <= 0 || s.Height <= 0 || s.Width <= 0))
        {
            throw new ArgumentException("image shapes must be non-empty (frames, height, width) triples of positive sizes", nameof(imageShapes));
        }
        int p = imageShapes.Max(s => Math.Max(s.Height / 2, s.Width / 2));
        if (p + textTokens > 4096)
        {
            throw new ArgumentException($"text positions {p}..{p + textTokens - 1} exceed the 4096-entry RoPE table", nameof(textTokens));
        }
        var positions = new List<(int F, int Y, int X)>();
        for (int j = 0; j < textTokens; j++)
        {
            positions.Add((p + j, p + j, p + j));
        }
        for (int i = 0; i < imageShapes.Count; i++)
        {
            var (f, h, w) = imageShapes[i];
            for (int fi = 0; fi < f; fi++)
            {
                for (int r = 0; r < h; r++)
                {
                    for (int c = 0; c < w; c++)
                    {
                        positions.Add((i + fi, r - (h - h / 2), c - (w - w / 2)));
                    }
                }
            }
        }
        int half = axes.Sum() / 2;
        var cos = new float[positions.Count * half];
        var sin = new float[positions.Count * half];
        for (int t = 0; t < positions.Count; t++)
        {
            int[] pos = [positions[t].F, positions[t].Y, positions[t].X];
            int col = 0;
            for (int a = 0; a < 3; a++)
            {
                int d = axes[a];
                for (int k = 0; k < d / 2; k++)
                {
                    float omega = 1f / MathF.Pow(10000f, (2 * k) / (float)d);
                    float theta = pos[a] * omega;
                    cos[t * half + col] = MathF.Cos(theta);
                    sin[t * half + col] = MathF.Sin(theta);
                    col++;
                }
            }
        }
        var shape = new Shape(positions.Count, half);
        return (HostTensor.FromFloats(shape, cos), HostTensor.FromFloats(shape, sin));
    }

    private static float[] Ids(HostTensor ids, string name)
    {
        if (ids.Shape.Rank != 2 || ids.Shape[1] != 3)
        {
            throw new ArgumentException($"{name} must be [N, 3], got {ids.Shape}", name);
        }
        return ids.ToFloatArray();
    }
}
