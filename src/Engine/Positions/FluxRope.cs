namespace Locus.Engine.Positions;

/// <summary>
/// FLUX RoPE tables (diffusers FluxPosEmbed, mmdit-spec §1.9): for axis i with dim dᵢ and column offset oᵢ = Σ_{l&lt;i} dₗ/2,
/// ω_{i,k} = 1/θ^(2k/dᵢ) and angle = id[n, i]·ω_{i,k}, both in float64, then cos/sin cast to float32;
/// column oᵢ + k of the [N, D/2] tables (diffusers stores each value twice, interleaved; we keep one per pair).
/// </summary>
public static class FluxRope
{
    /// <summary>Tables for ids [N, 3] (row-major, e.g. (axis0, row, col) per token).</summary>
    /// <exception cref="ArgumentException">An axis dim is odd or not positive, or ids is not N × axes.</exception>
    public static RopeTables Build(ReadOnlySpan<float> ids, int[] axesDims, float theta = 10000f)
    {
        ArgumentNullException.ThrowIfNull(axesDims);
        int axes = axesDims.Length;
        if (axes == 0 || axesDims.Any(d => d <= 0 || d % 2 != 0))
        {
            throw new ArgumentException($"axes dims ({string.Join(", ", axesDims)}) must be positive and even", nameof(axesDims));
        }
        if (ids.Length % axes != 0)
        {
            throw new ArgumentException($"{ids.Length} ids do not form rows of {axes} axes", nameof(ids));
        }
        int n = ids.Length / axes, half = axesDims.Sum() / 2;
        var cos = new float[n * half];
        var sin = new float[n * half];
        int offset = 0;
        for (int a = 0; a < axes; a++)
        {
            int d = axesDims[a];
            for (int k = 0; k < d / 2; k++)
            {
                double omega = 1.0 / Math.Pow(theta, 2.0 * k / d);
                for (int t = 0; t < n; t++)
                {
                    double angle = ids[t * axes + a] * omega;
                    cos[t * half + offset + k] = (float)Math.Cos(angle);
                    sin[t * half + offset + k] = (float)Math.Sin(angle);
                }
            }
            offset += d / 2;
        }
        return new RopeTables(cos, sin, n, half);
    }

    /// <summary>Tables for ids [N, axes] given as a 2-D array.</summary>
    public static RopeTables Build(float[,] ids, int[] axesDims, float theta = 10000f)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var flat = new float[ids.Length];
        int cols = ids.GetLength(1);
        if (axesDims is not null && cols != axesDims.Length)
        {
            throw new ArgumentException($"ids have {cols} columns for {axesDims.Length} axes", nameof(ids));
        }
        for (int r = 0; r < ids.GetLength(0); r++)
        {
            for (int c = 0; c < cols; c++)
            {
                flat[r * cols + c] = ids[r, c];
            }
        }
        return Build(flat, axesDims!, theta);
    }

    /// <summary>Image ids (axis0, row, col) for an h × w packed-token grid, row-major: (<paramref name="axis0"/>, r, c).</summary>
    public static float[] ImageIds(int height, int width, float axis0 = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        var ids = new float[height * width * 3];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                int t = (r * width + c) * 3;
                ids[t] = axis0;
                ids[t + 1] = r;
                ids[t + 2] = c;
            }
        }
        return ids;
    }
}
