using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.MmDit;

/// <summary>
/// Region attention bias (IAM-Edit stage 2; issue #8; editing-mechanisms.md §3.10) in every joint attention: target rows
/// OUTSIDE the edit mask do not attend to the instruction tokens. The attention adds <see cref="Bias"/> to the logits
/// s_ij of rows i with row mask 0 and columns j with column mask 1. Row mask (graph input <see cref="RowMaskInput"/>
/// [B, N_total] f32): 1 for text, reference and inside-mask target rows, 0 for target rows outside the mask. Column
/// mask (graph input <see cref="ColumnMaskInput"/> [N_total] f32): 1 on the chosen text columns. Both are inputs, so
/// one planned graph serves every mask; fill them with <see cref="Inputs(HostTensor, SequenceLayout)"/>.
/// </summary>
public sealed record RegionBiasOptions
{
    /// <summary>Name of the row-mask input [B, N_total] f32.</summary>
    public const string RowMaskInput = "region_bias.row_mask";

    /// <summary>Name of the column-mask input [N_total] f32.</summary>
    public const string ColumnMaskInput = "region_bias.col_mask";

    /// <summary>Added logit: −∞ (default) removes the instruction tokens from the rows' softmax; a finite negative value is a modulation strength.</summary>
    public float Bias { get; init; } = float.NegativeInfinity;

    /// <summary>Instruction token columns (indices into the text tokens); null = all text tokens.</summary>
    public IReadOnlyList<int>? TextTokens { get; init; }

    /// <summary>Checks the bias value and the token indices against <paramref name="textTokens"/>.</summary>
    /// <exception cref="ArgumentException">NaN or +∞ bias, an empty token list, or a token index outside [0, textTokens).</exception>
    public void Validate(int textTokens)
    {
        if (float.IsNaN(Bias) || float.IsPositiveInfinity(Bias))
        {
            throw new ArgumentException($"region bias {Bias} must be a finite value or −∞", nameof(Bias));
        }
        if (TextTokens is null)
        {
            return;
        }
        if (TextTokens.Count == 0)
        {
            throw new ArgumentException("region bias TextTokens is empty; use null for all text tokens", nameof(TextTokens));
        }
        foreach (int t in TextTokens)
        {
            if (t < 0 || t >= textTokens)
            {
                throw new ArgumentException($"region bias text token index {t} is outside [0, {textTokens}) (text length {textTokens})", nameof(TextTokens));
            }
        }
    }

    /// <summary>
    /// The graph inputs for a target token mask: [gh, gw], [N_target] or [B, N_target] (B = 1 is repeated for every batch
    /// item); values in [0, 1], a token is inside the edit region when its value is ≥ 0.5. Returns
    /// <see cref="RowMaskInput"/> [B, N_total] and <see cref="ColumnMaskInput"/> [N_total].
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not hold N_target tokens (per batch item), holds NaN or values outside [0, 1], or the options are invalid.</exception>
    public Dictionary<string, HostTensor> Inputs(HostTensor targetMask, SequenceLayout seq)
    {
        ArgumentNullException.ThrowIfNull(targetMask);
        ArgumentNullException.ThrowIfNull(seq);
        seq.Validate();
        Validate(seq.TextTokens);
        int nt = seq.TargetTokens, n = seq.Total;
        var m = targetMask.ToFloatArray();
        int items = targetMask.Shape.Rank == 2 && m.Length == seq.Batch * nt && targetMask.Shape[1] == nt ? seq.Batch : 1;
        if (m.Length != items * nt)
        {
            throw new ArgumentException($"region mask {targetMask.Shape} must hold the {nt} target tokens ([gh, gw], [{nt}] or [{seq.Batch}, {nt}])", nameof(targetMask));
        }
        var rows = new float[seq.Batch * n];
        for (int b = 0; b < seq.Batch; b++)
        {
            rows.AsSpan(b * n, n).Fill(1f);
            for (int i = 0; i < nt; i++)
            {
                float v = m[(items == 1 ? 0 : b * nt) + i];
                if (!(v >= 0f && v <= 1f))
                {
                    throw new ArgumentException($"region mask value {v} at token {i} is not in [0, 1]", nameof(targetMask));
                }
                rows[(b * n) + seq.TextTokens + i] = v >= 0.5f ? 1f : 0f;
            }
        }
        var cols = new float[n];
        if (TextTokens is null)
        {
            cols.AsSpan(0, seq.TextTokens).Fill(1f);
        }
        else
        {
            foreach (int t in TextTokens)
            {
                cols[t] = 1f;
            }
        }
        return new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            [RowMaskInput] = HostTensor.FromFloats(new Shape(seq.Batch, n), rows),
            [ColumnMaskInput] = HostTensor.FromFloats(new Shape(n), cols),
        };
    }

    /// <summary>Declares the two mask inputs and returns the attention context with the region bias on.</summary>
    internal AttentionContext Apply(GraphBuilder g, AttentionContext ctx)
    {
        var seq = ctx.Sequence;
        Validate(seq.TextTokens);
        var rows = g.Input(RowMaskInput, DType.F32, new Shape(seq.Batch, seq.Total));   // [B, N]
        var cols = g.Input(ColumnMaskInput, DType.F32, new Shape(seq.Total));          // [N]
        return ctx with { RegionBias = Bias, RegionRowMask = rows, RegionColMask = cols };
    }
}
