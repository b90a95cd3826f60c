namespace Locus.Kernels.Reference.Editing;

/// <summary>Empty-cluster relocation shared by the reference and CPU k-means (see <see cref="KMeansReference"/>).</summary>
internal static class EmptyClusters
{
    /// <summary>
    /// For each empty cluster j (ascending), moves the not-yet-moved point with the largest <paramref name="dist"/>
    /// (ties → lowest index) into j, updating labels, double sums [K, D] and counts. Returns true if any point moved.
    /// </summary>
    public static bool Relocate(ReadOnlySpan<float> x, int n, int d, int k, int[] labels, double[] dist, double[] sums, int[] counts)
    {
        bool[]? taken = null;
        for (int j = 0; j < k; j++)
        {
            if (counts[j] != 0)
            {
                continue;
            }
            taken ??= new bool[n];
            int far = -1;
            for (int i = 0; i < n; i++)
            {
                if (!taken[i] && (far < 0 || dist[i] > dist[far]))
                {
                    far = i;
                }
            }
            if (far < 0)
            {
                break;
            }
            taken[far] = true;
            int old = labels[far];
            counts[old]--;
            for (int e = 0; e < d; e++)
            {
                double v = x[far * d + e];
                sums[old * d + e] -= v;
                sums[j * d + e] = v;
            }
            counts[j] = 1;
            labels[far] = j;
        }
        return taken is not null;
    }
}
