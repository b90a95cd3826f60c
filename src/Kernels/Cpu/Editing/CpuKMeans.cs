using System.Numerics;
using System.Runtime.InteropServices;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu.Core;
using Locus.Kernels.Cpu.Gemm;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Cpu.Editing;

/// <summary>
/// k-means on the CPU with the semantics of <see cref="KMeansReference"/> (same seeding bit-for-bit, same empty-cluster
/// rule, same early stop). Assignment: score(i, j) = ‖c_j‖² − 2·x_i·c_j (argmin ties → lowest j; ‖x_i‖² is added only
/// for the distances used by empty-cluster relocation). The dots come from f32 <see cref="Vector{T}"/> dot products (see <see cref="CpuVec"/>) (four centroids
/// per pass over x_i, points split across threads) for K &lt; 16, and from one packed <see cref="Sgemm"/> X·Cᵀ for
/// K ≥ 16, where the GEMM's register tile is filled. Update: double sums per column block, blocks across threads, so the
/// result does not depend on the thread count.
/// </summary>
public static class CpuKMeans
{
    private const int PointsPerTask = 64;
    private const int ColumnsPerTask = 64;
    private const int GemmMinClusters = 16;

    /// <summary>k-means++ seeding (shared with the reference) then <see cref="Lloyd"/>; <paramref name="node"/> names errors.</summary>
    /// <exception cref="ArgumentException">a point is NaN or infinite.</exception>
    internal static KMeansResult Run(Node node, float[] points, int n, int d, int k, int iterations, ulong seed)
    {
        EditingChecks.RequireFinite(node, points, d);
        var seeds = KMeansSeeding.Seed(points, n, d, k, seed, parallel: true);
        var init = new float[(long)k * d];
        for (int j = 0; j < k; j++)
        {
            Array.Copy(points, (long)seeds[j] * d, init, (long)j * d, d);
        }
        return Lloyd(points, n, d, init, iterations);
    }

    /// <summary>
    /// Lloyd iterations from initial centroids [K, D] (not modified); see <see cref="KMeansReference.Lloyd"/>.
    /// <paramref name="stopWhenStable"/> = false runs every round even after the labels repeat (same result; for timing).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">sizes disagree or iterations &lt; 0.</exception>
    public static KMeansResult Lloyd(float[] points, int n, int d, ReadOnlySpan<float> initialCentroids, int iterations, bool stopWhenStable = true)
    {
        ArgumentNullException.ThrowIfNull(points);
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
        var xnorm = new float[n];
        ForRanges(n, PointsPerTask, (a, b) =>
        {
            for (int i = a; i < b; i++)
            {
                xnorm[i] = Dot(points.AsSpan(i * d, d), points.AsSpan(i * d, d));
            }
        });
        var labels = new int[n];
        var dist = new double[n];
        int[]? previous = null;
        bool moved = false;
        int assignments = 0;
        for (int it = 0; it < iterations; it++)
        {
            Assign(points, xnorm, n, d, c, k, labels, dist);
            assignments++;
            if (stopWhenStable && previous is not null && !moved && labels.AsSpan().SequenceEqual(previous))
            {
                return new KMeansResult(labels, c, assignments);
            }
            previous = (int[])labels.Clone();
            moved = Update(points, n, d, c, k, labels, dist);
        }
        Assign(points, xnorm, n, d, c, k, labels, dist);
        return new KMeansResult(labels, c, assignments + 1);
    }

    private static void Assign(float[] x, float[] xnorm, int n, int d, float[] c, int k, int[] labels, double[] dist)
    {
        var cnorm = new float[k];
        for (int j = 0; j < k; j++)
        {
            cnorm[j] = Dot(c.AsSpan(j * d, d), c.AsSpan(j * d, d));
        }
        if (k >= GemmMinClusters)
        {
            // dots [N, K] = X [N, D] · Cᵀ by the packed SGEMM; pays once K fills the micro-kernel's columns.
            var dots = new float[(long)n * k];
            Sgemm.Multiply(n, k, d, x, d, c, d, transposeB: true, dots, k);
            ForRanges(n, PointsPerTask, (a, b) =>
            {
                for (int i = a; i < b; i++)
                {
                    Pick(i, dots.AsSpan(i * k, k), cnorm, xnorm, labels, dist);
                }
            });
            return;
        }
        ForRanges(n, PointsPerTask, (a, b) =>
        {
            Span<float> dots = stackalloc float[k];
            for (int i = a; i < b; i++)
            {
                var xi = x.AsSpan(i * d, d);
                for (int j0 = 0; j0 < k; j0 += 4)
                {
                    Dot4(xi, c, j0, Math.Min(4, k - j0), d, dots.Slice(j0));
                }
                Pick(i, dots, cnorm, xnorm, labels, dist);
            }
        });
    }

    // label = argmin_j ‖c_j‖² − 2·x·c_j (ties → lowest j); dist = max(‖x‖² + that minimum, 0).
    private static void Pick(int i, ReadOnlySpan<float> dots, float[] cnorm, float[] xnorm, int[] labels, double[] dist)
    {
        float best = float.PositiveInfinity;
        int arg = 0;
        for (int j = 0; j < dots.Length; j++)
        {
            float score = cnorm[j] - 2 * dots[j];
            if (score < best)
            {
                best = score;
                arg = j;
            }
        }
        labels[i] = arg;
        dist[i] = Math.Max((double)xnorm[i] + best, 0);
    }

    private static bool Update(float[] x, int n, int d, float[] c, int k, int[] labels, double[] dist)
    {
        var sums = new double[(long)k * d];
        var counts = new int[k];
        foreach (int j in labels)
        {
            counts[j]++;
        }
        ForRanges(d, ColumnsPerTask, (a, b) =>
        {
            for (int i = 0; i < n; i++)
            {
                int row = i * d;
                int dst = labels[i] * d;
                for (int e = a; e < b; e++)
                {
                    sums[dst + e] += x[row + e];
                }
            }
        });
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

    // dots[q] = x · c[j0 + q] for q < count, one pass over x.
    private static void Dot4(ReadOnlySpan<float> x, float[] c, int j0, int count, int d, Span<float> dots)
    {
        if (count < 4)
        {
            for (int q = 0; q < count; q++)
            {
                dots[q] = Dot(x, c.AsSpan((j0 + q) * d, d));
            }
            return;
        }
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float r0 = ref c[j0 * d];
        ref float r1 = ref c[(j0 + 1) * d];
        ref float r2 = ref c[(j0 + 2) * d];
        ref float r3 = ref c[(j0 + 3) * d];
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int e = 0, w = CpuVec.Lanes;
        for (; e + w <= d; e += w)
        {
            var v = Vector.LoadUnsafe(ref rx, (nuint)e);
            a0 = CpuVec.MulAdd(v, Vector.LoadUnsafe(ref r0, (nuint)e), a0);
            a1 = CpuVec.MulAdd(v, Vector.LoadUnsafe(ref r1, (nuint)e), a1);
            a2 = CpuVec.MulAdd(v, Vector.LoadUnsafe(ref r2, (nuint)e), a2);
            a3 = CpuVec.MulAdd(v, Vector.LoadUnsafe(ref r3, (nuint)e), a3);
        }
        float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; e < d; e++)
        {
            float v = x[e];
            s0 += v * c[j0 * d + e];
            s1 += v * c[(j0 + 1) * d + e];
            s2 += v * c[(j0 + 2) * d + e];
            s3 += v * c[(j0 + 3) * d + e];
        }
        dots[0] = s0;
        dots[1] = s1;
        dots[2] = s2;
        dots[3] = s3;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        Vector<float> acc0 = default, acc1 = default;
        int e = 0, w = CpuVec.Lanes;
        // The body runs only when vectors are accelerated (w = Vector<float>.Count); the constant offset keeps the x64 addressing
        // of the former Vector256 loop ([base + 4·e + 32]).
        for (; e + (2 * w) <= a.Length; e += 2 * w)
        {
            acc0 = CpuVec.MulAdd(Vector.LoadUnsafe(ref ra, (nuint)e), Vector.LoadUnsafe(ref rb, (nuint)e), acc0);
            acc1 = CpuVec.MulAdd(Vector.LoadUnsafe(ref ra, (nuint)e + (nuint)Vector<float>.Count), Vector.LoadUnsafe(ref rb, (nuint)e + (nuint)Vector<float>.Count), acc1);
        }
        float s = Vector.Sum(acc0 + acc1);
        for (; e < a.Length; e++)
        {
            s += a[e] * b[e];
        }
        return s;
    }

    // Calls body(begin, end) over [0, count) in chunks of `chunk`, in parallel when there is more than one chunk.
    private static void ForRanges(int count, int chunk, Action<int, int> body)
    {
        int tasks = (count + chunk - 1) / chunk;
        if (tasks <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, tasks, t => body(t * chunk, Math.Min(count, (t + 1) * chunk)));
    }
}
