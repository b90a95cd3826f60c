namespace Locus.Engine.Positions;

/// <summary>
/// cos/sin tables of an adjacent-pair RoPE: row n, column j rotates the pair (x₂ⱼ, x₂ⱼ₊₁) of token n by θₙⱼ.
/// Both arrays are row-major [<see cref="Tokens"/>, <see cref="HalfDim"/>] (the layout <c>GraphBuilder.Rope</c> takes).
/// </summary>
/// <param name="Cos">cos θ, [Tokens, HalfDim].</param>
/// <param name="Sin">sin θ, [Tokens, HalfDim].</param>
/// <param name="Tokens">Row count.</param>
/// <param name="HalfDim">Pairs per head (head dim / 2).</param>
public sealed record RopeTables(float[] Cos, float[] Sin, int Tokens, int HalfDim)
{
    /// <summary>Rows [start, start + count) as a new table.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the table.</exception>
    public RopeTables Rows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Tokens)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + count}) outside a table of {Tokens} rows");
        }
        return new RopeTables(Cos.AsSpan(start * HalfDim, count * HalfDim).ToArray(), Sin.AsSpan(start * HalfDim, count * HalfDim).ToArray(), count, HalfDim);
    }

    /// <summary>Stacks tables with the same <see cref="HalfDim"/> row-wise, in order.</summary>
    /// <exception cref="ArgumentException">The half dims differ or no table is given.</exception>
    public static RopeTables Concat(params RopeTables[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new ArgumentException("no tables to concatenate", nameof(parts));
        }
        int half = parts[0].HalfDim;
        if (parts.Any(p => p.HalfDim != half))
        {
            throw new ArgumentException($"tables have different half dims ({string.Join(", ", parts.Select(p => p.HalfDim))})", nameof(parts));
        }
        return new RopeTables(parts.SelectMany(p => p.Cos).ToArray(), parts.SelectMany(p => p.Sin).ToArray(), parts.Sum(p => p.Tokens), half);
    }
}
