namespace Locus.Kernels.Reference.Editing;

/// <summary>
/// The reference k-means (the KMeans op's oracle). Semantics, shared by every backend:
/// <list type="number">
/// <item>seeds: <see cref="KMeansSeeding"/> (k-means++ from the seed); centroids are kept in float32.</item>
/// <item>Lloyd round (at most <c>iterations</c> times): assign each point to the centroid with the smallest
/// squared distance ‖x − c‖² (= ‖x‖² − 2x·cᵀ + ‖c‖²; ties → lowest cluster index), then set each centroid to
/// the mean of its points (sums in double, rounded to float).</item>
/// <item>empty cluster j (ascending j): takes the not-yet-moved point farthest from its assigned centroid (ties →
/// lowest index); the point leaves its old cluster. A cluster left with no point keeps its previous centroid.</item>
/// <item>a round whose assignment equals the previous one (and whose previous update moved no point) stops early:
/// the update would reproduce the same centroids, so the result is unchanged.</item>
/// <item>labels: a final assignment against the returned centroids, so labels and centroids agree.</item>
/// </list>
/// Here distances are Σ(x − c)² in double, which equals the GEMM form in exact arithmetic.
/// </summary>
public static class KMeansReference
{
    /// <summary>k-means++ seeding then <see cref="Lloyd"/>; returns labels [N] and centroids [K, D].</summary>
    /// <exception cref="ArgumentOutOfRangeException">sizes disagree, k ∉ [1, N] or iterations &lt; 0.</exception>
    public static (int[] Labels, float[] Centroids) Run(ReadOnlySpan<float> points, int n, int d, int k, int iterations, ulong seed)
    {
        var seeds = KMeansSeeding.Seed(points, n, d, k, seed);
        var init = new float[(long)k * d];
        for (int j = 0; j < k; j++)
        {
            points.Slice(seeds[j] * d, d).CopyTo(init.AsSpan(j * d, d));
        }
        var r = Lloyd(points, n, d, init, iterations);
        return (r.Labels, r.Centroids);
    }

    /// <summary>Lloyd iterations from given initial centroids [K, D] (not modified).</summary>
    /// <exception cref="ArgumentOutOfRangeException">sizes disagree or iterations &lt; 0.</exception>
    public static KMeansResult Lloyd(ReadOnlySpan<float> points, int n, int d, ReadOnlySpan<float> initialCentroids, int iterations)
    {
        if (n < 1 || d < 1 || points.Length != (long)n * d)
        {
            throw new ArgumentOutOfRangeException(nameof(points), $"points has {points.Length} values, expected N·D = {n}·{d} (N, D ≥ 1)");
        }
        if (initialCentroids.Length == 0 || initialCentroids.Length % d != 0 || initialCentroids.Length / d > n)
        {
            throw new ArgumentOutOfRangeException(nameof(initialCentroids), $"initialCentroids has {initialCentroids.Length} values, expected K·{d} with 1 ≤ K ≤ {n}");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        int k = initialCentroids.Length / d;
        var c = initialCentroids.ToArray();
        var labels = new int[n];
        var dist = new double[n];
        int[]? previous = null;
        bool moved = false;
        int assignments = 0;
        for (int it = 0; it < iterations; it++)
        {
            Assign(points, n, d, c, k, labels, dist);
            assignments++;
            if (previous is not null && !moved && labels.AsSpan().SequenceEqual(previous))
            {
                return new KMeansResult(labels, c, assignments);
            }
            previous = (int[])labels.Clone();
            moved = Update(points, n, d, c, k, labels, dist);
        }
        Assign(points, n, d, c, k, labels, dist);
        return new KMeansResult(labels, c, assignments + 1);
    }

    private static void Assign(ReadOnlySpan<float> x, int n, int d, float[] c, int k, int[] labels, double[] dist)
    {
        for (int i = 0; i < n; i++)
        {
            double best = double.PositiveInfinity;
            int arg = 0;
            for (int j = 0; j < k; j++)
            {
                double s = 0;
                for (int e = 0; e < d; e++)
                {
                    double diff = (double)x[i * d + e] - c[j * d + e];
                    s += diff * diff;
                }
                if (s < best)
                {
                    best = s;
                    arg = j;
                }
            }
            labels[i] = arg;
            dist[i] = best;
        }
    }

    // Returns true if an empty cluster took a point.
    private static bool Update(ReadOnlySpan<float> x, int n, int d, float[] c, int k, int[] labels, double[] dist)
    {
        var sums = new double[(long)k * d];
        var counts = new int[k];
        for (int i = 0; i < n; i++)
        {
            int j = labels[i];
            counts[j]++;
            for (int e = 0; e < d; e++)
            {
                sums[j * d + e] += x[i * d + e];
            }
        }
        bool moved = EmptyClusters.Relocate(x, n, d, k, labels, dist, sums, counts);
        for (int j = 0; j < k; j++)
        {
            if (counts[j] > 0)
            {
                for (int e = 0; e < d; e++)
                {
                    c[j * d + e] = (float)(sums[j * d + e] / counts[j]);
                }
            }
        }
        return moved;
    }
}
