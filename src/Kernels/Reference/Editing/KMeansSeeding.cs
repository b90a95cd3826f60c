namespace Locus.Kernels.Reference.Editing;

/// <summary>
/// k-means++ seeding shared bit-for-bit by every backend. With <see cref="SplitMix64"/> seeded by the op's seed:
/// <list type="number">
/// <item>first centre: point ⌊u·N⌋ (u = NextDouble()).</item>
/// <item>each further centre: D²(i) = min over chosen centres c of Σ_d (x[i,d] − c[d])², each term and sum in double,
/// d ascending; T = Σ_i D²(i) summed in i order; r = u·T; pick the first i with Σ_{i'≤i} D²(i') &gt; r
/// (if rounding leaves none, the last i with D²(i) &gt; 0; if T = 0, point ⌊u·N⌋).</item>
/// </list>
/// Every D²(i) is computed by the same scalar loop whatever the thread split, so the result never depends on threads.
/// </summary>
public static class KMeansSeeding
{
    /// <summary>Indices of the K seed points of <paramref name="points"/> [N, D] (row-major).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in [1, N] or the span is not N·D long.</exception>
    public static int[] Seed(ReadOnlySpan<float> points, int n, int d, int k, ulong seed, bool parallel = false) =>
        Seed(points.ToArray(), n, d, k, seed, parallel);

    /// <summary>Indices of the K seed points of <paramref name="points"/> [N, D] (row-major), without copying the points.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in [1, N] or the array is not N·D long.</exception>
    public static int[] Seed(float[] points, int n, int d, int k, ulong seed, bool parallel = false)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (n < 1 || d < 0 || points.Length != (long)n * d)
        {
            throw new ArgumentOutOfRangeException(nameof(points), $"points has {points.Length} values, expected N·D = {n}·{d} with N ≥ 1");
        }
        if (k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} must be in [1, {n}]");
        }
        var rng = new SplitMix64(seed);
        var chosen = new int[k];
        chosen[0] = Uniform(rng.NextDouble(), n);
        var best = new double[n];
        Array.Fill(best, double.PositiveInfinity);
        var data = points;
        for (int c = 1; c < k; c++)
        {
            int centre = chosen[c - 1];
            if (parallel && (long)n * d >= 1 << 16)
            {
                Parallel.For(0, n, i => best[i] = Math.Min(best[i], Distance(data, d, i, centre)));
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    best[i] = Math.Min(best[i], Distance(data, d, i, centre));
                }
            }
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                total += best[i];
            }
            double u = rng.NextDouble();
            chosen[c] = total > 0 ? Pick(best, u * total) : Uniform(u, n);
        }
        return chosen;
    }

    private static int Uniform(double u, int n) => Math.Min((int)(u * n), n - 1);

    private static int Pick(double[] best, double r)
    {
        double sum = 0;
        int lastPositive = 0;
        for (int i = 0; i < best.Length; i++)
        {
            sum += best[i];
            if (best[i] > 0)
            {
                lastPositive = i;
                if (sum > r)
                {
                    return i;
                }
            }
        }
        return lastPositive;
    }

    private static double Distance(float[] data, int d, int i, int j)
    {
        double s = 0;
        int a = i * d, b = j * d;
        for (int e = 0; e < d; e++)
        {
            double diff = (double)data[a + e] - data[b + e];
            s += diff * diff;
        }
        return s;
    }
}
