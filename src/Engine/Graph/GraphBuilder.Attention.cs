using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>
    /// Scaled dot-product attention: out = softmax(s)·v with s_ij = scale·q_i·k_j (+ bias_ij), q [B, H, Nq, D],
    /// k [B, H, Nk, D], v [B, H, Nk, Dv] → out [B, H, Nq, Dv]; auxiliary output lse [B, H, Nq] (f32, natural log of Σ_j e^(s_ij)).
    /// Options (see <see cref="AttentionParams"/>): additive <paramref name="bias"/> broadcast from [B|1, H|1, Nq|1, Nk];
    /// GRAG key groups k'_j = λ·μ + δ·(k_j − μ) with μ the f32 mean of k over the group per (b, h, channel), λ and δ
    /// read from <paramref name="gragScales"/> [groups, 2]; region bias added to logits of columns with colMask = 1 in rows
    /// with rowMask = 0 (rowMask [B, Nq], colMask [Nk]). A row with no finite logit is an error at run time.
    /// </summary>
    public Node Attention(Node q, Node k, Node v, float scale, Node? bias = null, GragGroup[]? grag = null, Node? gragScales = null,
        float? regionBias = null, Node? regionRowMask = null, Node? regionColMask = null, string? name = null)
    {
        const string op = "Attention";
        RequireFloat(op, name, q);
        RequireRank(op, name, q, 4);
        RequireRank(op, name, k, 4);
        RequireRank(op, name, v, 4);
        RequireSameDType(op, name, q, k);
        RequireSameDType(op, name, q, v);
        int b = q.Shape[0], h = q.Shape[1], nq = q.Shape[2], d = q.Shape[3];
        int nk = k.Shape[2];
        if (k.Shape[0] != b || k.Shape[1] != h || k.Shape[3] != d)
        {
            throw Error(op, name, $"k {k.Shape} does not match q {q.Shape}");
        }
        if (v.Shape[0] != b || v.Shape[1] != h || v.Shape[2] != nk)
        {
            throw Error(op, name, $"v {v.Shape} does not match k {k.Shape}");
        }
        var sources = new List<Node> { EnsureContiguous(q), EnsureContiguous(k), EnsureContiguous(v) };
        if (bias is not null)
        {
            int[] full = [b, h, nq, nk];
            if (bias.Shape.Rank != 4 || !bias.DType.IsFloat() || Enumerable.Range(0, 4).Any(i => bias.Shape[i] != full[i] && (bias.Shape[i] != 1 || i == 3)))
            {
                throw Error(op, name, $"bias '{bias.Name}' {bias.Desc} must be float and broadcast to [{b}, {h}, {nq}, {nk}] (last dim full)");
            }
            sources.Add(EnsureContiguous(bias));
        }
        if (grag is { Length: > 0 })
        {
            foreach (var group in grag)
            {
                if (group.KeyStart < 0 || group.KeyEnd > nk || group.KeyStart >= group.KeyEnd)
                {
                    throw Error(op, name, $"GRAG key range [{group.KeyStart}, {group.KeyEnd}) is outside [0, {nk}) or empty");
                }
                if (!group.AllRows && (group.RowStart < 0 || group.RowEnd > nq || group.RowStart >= group.RowEnd))
                {
                    throw Error(op, name, $"GRAG row range [{group.RowStart}, {group.RowEnd}) is outside [0, {nq}) or empty");
                }
            }
            if (gragScales is null || gragScales.DType != DType.F32 || gragScales.Shape != new Shape(grag.Length, 2))
            {
                throw Error(op, name, $"GRAG needs scales F32 [{grag.Length}, 2] (λ, δ per group), got {gragScales?.Desc.ToString() ?? "none"}");
            }
            sources.Add(gragScales);
        }
        if (regionBias.HasValue)
        {
            if (regionRowMask is null || regionRowMask.DType != DType.F32 || regionRowMask.Shape != new Shape(b, nq))
            {
                throw Error(op, name, $"region bias needs a row mask F32 [{b}, {nq}], got {regionRowMask?.Desc.ToString() ?? "none"}");
            }
            if (regionColMask is null || regionColMask.DType != DType.F32 || regionColMask.Shape != new Shape(nk))
            {
                throw Error(op, name, $"region bias needs a column mask F32 [{nk}], got {regionColMask?.Desc.ToString() ?? "none"}");
            }
            sources.Add(EnsureContiguous(regionRowMask));
            sources.Add(EnsureContiguous(regionColMask));
        }
        var p = new AttentionParams(scale, bias is not null, grag is { Length: > 0 } ? grag : null, regionBias);
        return Add(OpKind.Attention, sources.ToArray(), p, new TensorDesc(q.DType, new Shape(b, h, nq, v.Shape[3])), name,
            new TensorDesc(DType.F32, new Shape(b, h, nq)));
    }

    /// <summary>
    /// Recomputes head-averaged attention probabilities P[b, i, j] = (1/H)·Σ_h e^(scale·q_i·k_j − lse_i) for rows
    /// [RowStart, RowEnd) × columns [ColStart, ColEnd), optionally 2×2-average-pooled on a GridHeight × GridWidth token grid
    /// (both axes), multiplies by <paramref name="weight"/> [1] and adds <paramref name="accumulator"/> when given.
    /// Output [B, rows, cols] f32. Never materialises Nq × Nk.
    /// </summary>
    public Node AttentionCapture(Node q, Node k, Node lse, Node weight, Node? accumulator, AttentionCaptureParams p, string? name = null)
    {
        const string op = "AttentionCapture";
        RequireRank(op, name, q, 4);
        RequireRank(op, name, k, 4);
        RequireSameDType(op, name, q, k);
        int b = q.Shape[0], h = q.Shape[1], nq = q.Shape[2], nk = k.Shape[2];
        if (lse.DType != DType.F32 || lse.Shape != new Shape(b, h, nq))
        {
            throw Error(op, name, $"lse {lse.Desc} must be F32 [{b}, {h}, {nq}]");
        }
        if (weight.DType != DType.F32 || weight.Shape != new Shape(1))
        {
            throw Error(op, name, $"weight {weight.Desc} must be F32 [1]");
        }
        if (p.RowStart < 0 || p.RowEnd > nq || p.RowStart >= p.RowEnd || p.ColStart < 0 || p.ColEnd > nk || p.ColStart >= p.ColEnd)
        {
            throw Error(op, name, $"block rows [{p.RowStart}, {p.RowEnd}) × cols [{p.ColStart}, {p.ColEnd}) is outside [{nq}, {nk}]");
        }
        int rows = p.RowEnd - p.RowStart, cols = p.ColEnd - p.ColStart;
        if (p.Pool2x2)
        {
            if (p.GridHeight % 2 != 0 || p.GridWidth % 2 != 0 || p.GridHeight * p.GridWidth != rows || rows != cols)
            {
                throw Error(op, name, $"2×2 pooling needs a square image block on an even grid; rows {rows}, cols {cols}, grid {p.GridHeight}×{p.GridWidth}");
            }
            rows /= 4;
            cols /= 4;
        }
        var outShape = new Shape(b, rows, cols);
        var sources = new List<Node> { EnsureContiguous(q), EnsureContiguous(k), lse, weight };
        if (accumulator is not null)
        {
            if (accumulator.DType != DType.F32 || accumulator.Shape != outShape)
            {
                throw Error(op, name, $"accumulator {accumulator.Desc} must be F32 {outShape}");
            }
            sources.Add(EnsureContiguous(accumulator));
        }
        return Add(OpKind.AttentionCapture, sources.ToArray(), p, new TensorDesc(DType.F32, outShape), name);
    }

    /// <summary>
    /// Rotary embedding on adjacent pairs: for x [B, H, N, D] and f32 tables cos, sin [N, D/2],
    /// (x₂ᵢ, x₂ᵢ₊₁) ← (x₂ᵢ·cᵢ − x₂ᵢ₊₁·sᵢ, x₂ᵢ·sᵢ + x₂ᵢ₊₁·cᵢ).
    /// </summary>
    public Node Rope(Node x, Node cos, Node sin, string? name = null)
    {
        RequireFloat("Rope", name, x);
        RequireRank("Rope", name, x, 4);
        int n = x.Shape[2], d = x.Shape[3];
        if (d % 2 != 0)
        {
            throw Error("Rope", name, $"head dim {d} is odd");
        }
        foreach (var t in new[] { cos, sin })
        {
            if (t.DType != DType.F32 || t.Shape != new Shape(n, d / 2))
            {
                throw Error("Rope", name, $"table '{t.Name}' {t.Desc} must be F32 [{n}, {d / 2}]");
            }
        }
        return Add(OpKind.Rope, [EnsureContiguous(x), EnsureContiguous(cos), EnsureContiguous(sin)], null, new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>Sinusoidal embedding of t [B] (f32) → [B, Dim] f32; see <see cref="TimestepEmbeddingParams"/>.</summary>
    public Node TimestepEmbedding(Node t, TimestepEmbeddingParams p, string? name = null)
    {
        if (t.DType != DType.F32 || t.Shape.Rank != 1)
        {
            throw Error("TimestepEmbedding", name, $"t {t.Desc} must be F32 [B]");
        }
        if (p.Dim <= 0 || p.Dim % 2 != 0)
        {
            throw Error("TimestepEmbedding", name, $"dim {p.Dim} must be positive and even");
        }
        return Add(OpKind.TimestepEmbedding, [t], p, new TensorDesc(DType.F32, new Shape(t.Shape[0], p.Dim)), name);
    }
}
