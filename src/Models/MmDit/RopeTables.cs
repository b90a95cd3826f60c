using Locus.Engine.Positions;
using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Host-side RoPE tables (built by Locus.Engine.Positions FluxRope / QwenRope) for the graph's <c>rope_cos</c>/<c>rope_sin</c> inputs, [N, Dh/2] f32 for the joint
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
        return ToHost(FluxRope.Build([.. txt, .. img], axes.ToArray()));
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
        return ToHost(QwenRope.BuildJoint(imageShapes, textTokens, axes.ToArray()));
    }

    private static (HostTensor Cos, HostTensor Sin) ToHost(Engine.Positions.RopeTables t)
    {
        var shape = new Shape(t.Tokens, t.HalfDim);
        return (HostTensor.FromFloats(shape, t.Cos), HostTensor.FromFloats(shape, t.Sin));
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
