using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Turns diffusers forward arguments (the fixture io names) into graph inputs: ids / img_shapes → RoPE tables,
/// text mask → additive key bias. The token split (target | reference) is derived from the ids or shapes.
/// </summary>
public static class TransformerInputs
{
    /// <summary>
    /// Flux: hidden_states, encoder_hidden_states, pooled_projections, timestep, guidance, img_ids [Nimg, 3] and
    /// txt_ids [Ntxt, 3]. Target tokens are the image ids with axis 0 == 0 (Kontext references have 1).
    /// </summary>
    /// <exception cref="ArgumentException">A required tensor is missing or inconsistent.</exception>
    public static (Dictionary<string, HostTensor> Inputs, SequenceLayout Sequence) Flux(IReadOnlyDictionary<string, HostTensor> io, FluxTransformerConfig config)
    {
        var hs = Require(io, "hidden_states", 3);
        var ehs = Require(io, "encoder_hidden_states", 3);
        var imgIds = Require(io, "img_ids", 2);
        var txtIds = Require(io, "txt_ids", 2);
        if (imgIds.Shape[0] != hs.Shape[1] || txtIds.Shape[0] != ehs.Shape[1])
        {
            throw new ArgumentException($"img_ids {imgIds.Shape} / txt_ids {txtIds.Shape} do not match hidden_states {hs.Shape} / encoder_hidden_states {ehs.Shape}");
        }
        var ids = imgIds.ToFloatArray();
        int target = 0;
        while (target < imgIds.Shape[0] && ids[target * 3] == 0f)
        {
            target++;
        }
        var seq = new SequenceLayout(hs.Shape[0], ehs.Shape[1], target, hs.Shape[1] - target);
        var (cos, sin) = RopeTables.Flux(txtIds, imgIds, config.AxesDimsRope);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["hidden_states"] = hs,
            ["encoder_hidden_states"] = ehs,
            ["pooled_projections"] = Require(io, "pooled_projections", 2),
            ["timestep"] = Require(io, "timestep", 1),
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        if (config.GuidanceEmbeds)
        {
            inputs["guidance"] = Require(io, "guidance", 1);
        }
        return (inputs, seq);
    }

    /// <summary>
    /// Qwen: hidden_states, encoder_hidden_states, timestep, optional encoder_hidden_states_mask [B, Ntxt], and the
    /// image shapes (frames, h, w) in packed tokens, target first. Returns whether a text mask bias is present.
    /// </summary>
    /// <exception cref="ArgumentException">A required tensor is missing or the shapes do not add up to the image tokens.</exception>
    public static (Dictionary<string, HostTensor> Inputs, SequenceLayout Sequence, bool TextMask) Qwen(
        IReadOnlyDictionary<string, HostTensor> io, QwenImageTransformerConfig config, IReadOnlyList<(int Frames, int Height, int Width)> imageShapes)
    {
        var hs = Require(io, "hidden_states", 3);
        var ehs = Require(io, "encoder_hidden_states", 3);
        int total = imageShapes.Sum(s => s.Frames * s.Height * s.Width);
        if (imageShapes.Count == 0 || total != hs.Shape[1])
        {
            throw new ArgumentException($"image shapes [{string.Join(", ", imageShapes)}] hold {total} tokens but hidden_states {hs.Shape} has {hs.Shape[1]}", nameof(imageShapes));
        }
        int target = imageShapes[0].Frames * imageShapes[0].Height * imageShapes[0].Width;
        var seq = new SequenceLayout(hs.Shape[0], ehs.Shape[1], target, hs.Shape[1] - target);
        var (cos, sin) = RopeTables.Qwen(imageShapes, ehs.Shape[1], config.AxesDimsRope);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["hidden_states"] = hs,
            ["encoder_hidden_states"] = ehs,
            ["timestep"] = Require(io, "timestep", 1),
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        bool masked = false;
        if (io.TryGetValue("encoder_hidden_states_mask", out var mask))
        {
            if (mask.Shape != new Shape(hs.Shape[0], ehs.Shape[1]))
            {
                throw new ArgumentException($"encoder_hidden_states_mask {mask.Shape} must be [{hs.Shape[0]}, {ehs.Shape[1]}]");
            }
            masked = mask.ToFloatArray().Any(v => v != 1f);
            if (masked)
            {
                inputs[QwenImageTransformer.BiasInput] = QwenImageTransformer.MaskBias(mask, hs.Shape[1]);
            }
        }
        return (inputs, seq, masked);
    }

    private static HostTensor Require(IReadOnlyDictionary<string, HostTensor> io, string name, int rank)
    {
        if (!io.TryGetValue(name, out var t))
        {
            throw new ArgumentException($"input '{name}' is missing");
        }
        if (t.Shape.Rank != rank)
        {
            throw new ArgumentException($"input '{name}' must have rank {rank}, got {t.Shape}");
        }
        return t;
    }
}
