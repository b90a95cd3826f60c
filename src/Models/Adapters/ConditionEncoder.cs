using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Adapters;

/// <summary>
/// The adapter's Condition Encoder (docs/region-adapter.md, paper Eq. 3–5), built once per edit and shared by every block:
/// <code>
/// m_s    = M_c·e_edit + (1 − M_c)·e_keep                        [B, N_m, D]
/// c_inst = Q + to_out(MHA(LN_q(Q), LN_kv(Linear(text))))         [B, N_q, D]
/// x      = concat(m_s + τ₀, c_inst + τ₁) + PE_sin                 [B, N_c, D]
/// c      = norm_out(fusion layers (pre-LN attn + FFN)(x))        [B, N_c, D]
/// </code>
/// </summary>
public static class ConditionEncoder
{
    /// <summary>Outputs of <see cref="Build"/>.</summary>
    /// <param name="Condition">c [B, N_c, D].</param>
    /// <param name="Instruction">c_inst [B, N_q, D] (the MaskPredictor pools it).</param>
    public sealed record Result(Node Condition, Node Instruction);

    /// <summary>
    /// Builds the encoder under <c>region_adapter.condition_encoder</c> of <paramref name="root"/> (the adapter's root scope,
    /// prefix <c>region_adapter</c>). mask [B, 1, Hl, Wl] in [0, 1] on the latent token grid (area-averaged to g × g when g divides
    /// Hl and Wl, else bilinearly resized); text [B, N_txt, L_h·T_d]; positions [N_c, D] = <see cref="SinusoidalTable"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An input shape disagrees with the config (the message names the input and both shapes).</exception>
    public static Result Build(WeightScope root, RegionAdapterConfig config, Node mask, Node text, Node positions)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(positions);
        int d = config.HiddenSize, grid = config.MaskGrid, nm = grid * grid;
        Require(mask.Shape.Rank == 4 && mask.Shape[1] == 1, nameof(mask), mask.Shape, "[B, 1, Hl, Wl]");
        int b = mask.Shape[0];
        Require(text.Shape.Rank == 3 && text.Shape[0] == b && text.Shape[2] == config.TextFeatures, nameof(text), text.Shape, $"[{b}, N_txt, {config.TextFeatures}]");
        Require(positions.Shape == new Shape(config.ConditionTokens, d), nameof(positions), positions.Shape, $"[{config.ConditionTokens}, {d}]");
        return Encode(root, config, mask, Instruction(root, config, text), positions);
    }

    /// <summary>
    /// c_inst = Q + to_out(MHA(LN_q(Q), LN_kv(Linear(text)))): text [B, N_txt, L_h·T_d] → [B, N_q, D] (Eq. 4); optional
    /// <paramref name="textBias"/> [B, 1, 1, N_txt] (−∞ on padded text tokens, in the activation dtype).
    /// </summary>
    public static Node Instruction(WeightScope root, RegionAdapterConfig config, Node text, Node? textBias = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(text);
        Require(text.Shape.Rank == 3 && text.Shape[2] == config.TextFeatures, nameof(text), text.Shape, $"[B, N_txt, {config.TextFeatures}]");
        var g = root.Graph;
        var s = root.Push("condition_encoder");
        int d = config.HiddenSize;
        var p = Layers.Linear(s, "text_proj", text, d);                                       // [B, N_txt, D]
        var ps = s.Push("perceiver");
        var queries = AdapterLayers.BatchOf(g, ps.Get("queries", config.InstructionTokens, d), p, ps.Name("queries.batch")); // [B, N_q, D]
        var qn = AdapterLayers.Norm(ps, "norm_q", queries);                                  // [B, N_q, D]
        var kvn = AdapterLayers.Norm(ps, "norm_kv", p);                                      // [B, N_txt, D]
        return g.Add(queries, AdapterLayers.Attention(ps, "attn", qn, kvn, config.Heads, textBias), ps.Name("out")); // [B, N_q, D]
    }

    /// <summary>The encoder from a precomputed c_inst [B, N_q, D] (see <see cref="Instruction"/>); mask and positions as in the other overload.</summary>
    /// <exception cref="ArgumentException">An input shape disagrees with the config.</exception>
    public static Result Encode(WeightScope root, RegionAdapterConfig config, Node mask, Node cInst, Node positions)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(cInst);
        ArgumentNullException.ThrowIfNull(positions);
        int d = config.HiddenSize, grid = config.MaskGrid, nm = grid * grid;
        Require(mask.Shape.Rank == 4 && mask.Shape[1] == 1, nameof(mask), mask.Shape, "[B, 1, Hl, Wl]");
        int b = mask.Shape[0];
        Require(cInst.Shape == new Shape(b, config.InstructionTokens, d), nameof(cInst), cInst.Shape, $"[{b}, {config.InstructionTokens}, {d}]");
        Require(positions.Shape == new Shape(config.ConditionTokens, d), nameof(positions), positions.Shape, $"[{config.ConditionTokens}, {d}]");
        var g = root.Graph;
        var s = root.Push("condition_encoder");

        // Eq. 3: mask tokens.
        var mc = DownsampleMask(g, mask, grid, grid, s.Name("mask_c"));                       // [B, 1, g, g]
        mc = g.Reshape(mc, new(b, nm, 1), s.Name("mask_c.tokens"));                          // [B, N_m, 1]
        var ms = Blend(s.Push("mask_embed"), mc, d);                                          // [B, N_m, D]

        // Eq. 5: typed, positioned condition stream.
        var type = AdapterLayers.As(g, s.Get("type_embed", 2, d), ms.DType);                   // [2, D]
        var x0 = g.Add(ms, g.Slice(type, 0, 0, 1, s.Name("type_embed.mask")), s.Name("mask_tokens"));      // [B, N_m, D]
        var x1 = g.Add(cInst, g.Slice(type, 0, 1, 1, s.Name("type_embed.inst")), s.Name("inst_tokens"));   // [B, N_q, D]
        var x = g.Concat([x0, x1], 1, s.Name("stream"));                                     // [B, N_c, D]
        x = g.Add(x, positions, s.Name("stream.pe"));                                         // [B, N_c, D]

        var fs = s.Push("fusion");
        for (int j = 0; j < config.FusionLayers; j++)
        {
            var ls = fs.Push("layers").Push(j);
            var h = AdapterLayers.Norm(ls, "norm1", x);                                      // [B, N_c, D]
            x = g.Add(x, AdapterLayers.Attention(ls, "attn", h, h, config.Heads), ls.Name("attn.res"));
            h = AdapterLayers.Norm(ls, "norm2", x);
            x = g.Add(x, AdapterLayers.FeedForward(ls, "ff", h, 4 * d), ls.Name("ff.res"));  // [B, N_c, D]
        }
        var c = AdapterLayers.Norm(fs, "norm_out", x);                                       // [B, N_c, D]
        return new Result(c, cInst);
    }

    /// <summary>
    /// PE_sin [n, d] as floats (row-major): row p = (sin(p·ω₀) … sin(p·ω_{d/2−1}), cos(p·ω₀) … cos(p·ω_{d/2−1})), ω_k = 10000^(−k/(d/2)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1 or d not a positive even number.</exception>
    public static float[] SinusoidalTable(int n, int d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (d < 2 || d % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(d), d, "the embedding dim must be a positive even number");
        }
        int half = d / 2;
        var table = new float[n * d];
        for (int p = 0; p < n; p++)
        {
            for (int k = 0; k < half; k++)
            {
                double angle = p * Math.Pow(10000.0, -(double)k / half);
                table[(p * d) + k] = (float)Math.Sin(angle);
                table[(p * d) + half + k] = (float)Math.Cos(angle);
            }
        }
        return table;
    }

    /// <summary>m·e_edit + (1 − m)·e_keep = e_keep + m·(e_edit − e_keep); m [B, N, 1] → [B, N, width].</summary>
    internal static Node Blend(WeightScope embed, Node m, int width)
    {
        var g = embed.Graph;
        var edit = AdapterLayers.As(g, embed.Get("edit", width), m.DType);
        var keep = AdapterLayers.As(g, embed.Get("keep", width), m.DType);
        var diff = g.Sub(edit, keep, embed.Name("diff"));        // [width]
        return g.Add(g.Mul(m, diff, embed.Name("scaled")), keep, embed.Prefix); // [B, N, width]
    }

    /// <summary>Mask [B, 1, H, W] → [B, 1, h, w]: area average when h | H and w | W, else bilinear resize.</summary>
    internal static Node DownsampleMask(GraphBuilder g, Node mask, int h, int w, string name)
    {
        int hh = mask.Shape[2], ww = mask.Shape[3];
        if (hh == h && ww == w)
        {
            return mask;
        }
        return hh % h == 0 && ww % w == 0
            ? g.AreaDownsample(mask, hh / h, ww / w, name)
            : g.BilinearUpsample(mask, h, w, name);
    }

    internal static void Require(bool ok, string argument, Shape actual, string expected)
    {
        if (!ok)
        {
            throw new ArgumentException($"'{argument}' has shape {actual}, the adapter expects {expected}", argument);
        }
    }
}
