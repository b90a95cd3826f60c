using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Editing;
using Locus.Kernels.Reference.Editing;
using Xunit;

namespace Locus.Kernels.Tests.Editing;

/// <summary>k-means: seeding RNG, determinism per seed, the fixture's Lloyd run, empty clusters, bad points.</summary>
public sealed class KMeansTests
{
    [Fact]
    public void SplitMix64_SeedZero_MatchesPublishedSequence()
    {
        // Vigna's splitmix64.c with x = 0: e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.Next());
        Assert.Equal(0x06C45D188009454FUL, rng.Next());
    }

    [Fact]
    public void KMeansSeeding_OnePointFarFromTheRest_PicksItSecond()
    {
        // 9 identical points and one far point: after any first seed among the 9, D² is zero except at the far point.
        var points = new float[10 * 2];
        points[18] = 100f;
        points[19] = -50f;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var s = KMeansSeeding.Seed(points, 10, 2, 2, seed);
            if (s[0] != 9)
            {
                Assert.Equal(9, s[1]);
            }
            Assert.Equal(Math.Min((int)(new SplitMix64(seed).NextDouble() * 10), 9), s[0]);
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void KMeans_SameSeed_IsDeterministicAndAnotherSeedDiffers(string backend)
    {
        var points = Uniform(200, 12, seed: 3);
        using var b = Backends.Create(backend);
        var a1 = RunOp(b, points, 200, 12, k: 5, seed: 11);
        var a2 = RunOp(b, points, 200, 12, k: 5, seed: 11);
        var other = RunOp(b, points, 200, 12, k: 5, seed: 12);
        Assert.Equal(a1.Labels, a2.Labels);
        Assert.Equal(a1.Centroids, a2.Centroids);
        Assert.NotEqual(KMeansSeeding.Seed(points, 200, 12, 5, 11), KMeansSeeding.Seed(points, 200, 12, 5, 12));
        Assert.False(a1.Labels.SequenceEqual(other.Labels) && a1.Centroids.SequenceEqual(other.Centroids), "seeds 11 and 12 gave the same clustering");
    }

    [Fact]
    public void KMeans_CpuAndReference_SameSeedsAndLabelsOnSeparatedBlobs()
    {
        var rng = new Random(4);
        var centres = Parity.ParityRunner.Normal(rng, 6 * 40, 10f);
        var points = new float[500 * 40];
        for (int i = 0; i < 500; i++)
        {
            for (int e = 0; e < 40; e++)
            {
                points[i * 40 + e] = centres[(i % 6) * 40 + e] + 0.05f * (float)(rng.NextDouble() - 0.5);
            }
        }
        Assert.Equal(KMeansSeeding.Seed(points, 500, 40, 6, 99), KMeansSeeding.Seed(points, 500, 40, 6, 99, parallel: true));
        using var reference = new Reference.ReferenceBackend();
        using var cpu = new Cpu.CpuBackend();
        Assert.Equal(RunOp(reference, points, 500, 40, 6, 99).Labels, RunOp(cpu, points, 500, 40, 6, 99).Labels);
    }

    public static TheoryData<string, string> FixtureFiles() => new()
    {
        { "flux_kontext_tiny/attention.safetensors", "reference" }, { "flux_kontext_tiny/attention.safetensors", "cpu" },
        { "qwen_image_edit_tiny/attention.safetensors", "reference" }, { "qwen_image_edit_tiny/attention.safetensors", "cpu" },
        { "qwen_image_edit_tiny/attention_batch1.safetensors", "reference" }, { "qwen_image_edit_tiny/attention_batch1.safetensors", "cpu" },
    };

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Lloyd_FromFixtureInitialCentroids_ReproducesFixture(string file, string implementation)
    {
        var t = EditingTestHelpers.ReadSafetensors(Path.Combine(EditingTestHelpers.RepoRoot(), "tests", "fixtures", "attention", file));
        var (shape, x) = t["mean.joint.tgt_tgt"];
        int n = shape[0], d = shape[1];
        var rows = t["kmeans.init_rows"].Values.Select(v => (int)v).ToArray();
        Assert.Equal(new[] { 0, n / 2, n - 1 }, rows);
        var init = rows.SelectMany(r => x.Skip(r * d).Take(d)).ToArray();
        var r = implementation == "cpu" ? CpuKMeans.Lloyd(x, n, d, init, 10) : KMeansReference.Lloyd(x, n, d, init, 10);
        Assert.Equal(t["kmeans.labels"].Values.Select(v => (int)v).ToArray(), r.Labels);
        Assert.Equal((int)t["kmeans.iterations"].Values[0], r.Assignments);
        var expected = t["kmeans.centroids"].Values;
        double max = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(r.Centroids[i] - expected[i]) <= 1e-5 * max, $"centroid value {i}: {r.Centroids[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void Lloyd_EmptyCluster_TakesFarthestPoint(string implementation)
    {
        // 1-D points 0, 0.1, 10, 10.2 with centroids 5 and 1000: cluster 1 is empty, 10.2 is farthest from 5 (d² = 27.04),
        // so it moves to cluster 1; then {0, 0.1} | {10, 10.2} is stable: centroids 0.05 and 10.1.
        float[] x = [0f, 0.1f, 10f, 10.2f];
        float[] init = [5f, 1000f];
        var r = implementation == "cpu" ? CpuKMeans.Lloyd(x, 4, 1, init, 10) : KMeansReference.Lloyd(x, 4, 1, init, 10);
        Assert.Equal(new[] { 0, 0, 1, 1 }, r.Labels);
        Assert.Equal(0.05, r.Centroids[0], 1e-6);
        Assert.Equal(10.1, r.Centroids[1], 1e-5);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void KMeans_NonFinitePoint_ThrowsNamingTheRow(string backend)
    {
        var points = Uniform(10, 3, seed: 1);
        points[7] = float.NaN;
        using var b = Backends.Create(backend);
        var e = Assert.Throws<ArgumentException>(() => RunOp(b, points, 10, 3, k: 2, seed: 1));
        Assert.Contains("points[2, 1]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reference", 5)]
    [InlineData("cpu", 5)]
    [InlineData("cpu", 17)]
    public void KMeans_Converged_CentroidsAreMeansAndLabelsAreNearest(string backend, int k)
    {
        // Checked in double in the test: at a fixed point every centroid is the mean of its points and every label
        // names the nearest centroid.
        const int n = 240, d = 10;
        var points = Uniform(n, d, seed: 8);
        using var b = Backends.Create(backend);
        var (labels, centroids) = RunOp(b, points, n, d, k, seed: 5, iterations: 200);
        for (int j = 0; j < k; j++)
        {
            var members = Enumerable.Range(0, n).Where(i => labels[i] == j).ToArray();
            Assert.NotEmpty(members);
            for (int e = 0; e < d; e++)
            {
                double mean = members.Average(i => (double)points[i * d + e]);
                Assert.True(Math.Abs(centroids[j * d + e] - mean) <= 1e-6, $"centroid {j}, dim {e}: {centroids[j * d + e]} vs mean {mean}");
            }
        }
        for (int i = 0; i < n; i++)
        {
            var dist = Enumerable.Range(0, k).Select(j => Enumerable.Range(0, d).Sum(e => Math.Pow((double)points[i * d + e] - centroids[j * d + e], 2))).ToArray();
            Assert.True(dist[labels[i]] <= dist.Min() + 1e-9, $"point {i}: label {labels[i]} at {dist[labels[i]]}, nearest {dist.Min()}");
        }
    }

    [Fact]
    public void Lloyd_CentroidCountNotMultipleOfD_ThrowsNamingTheArgument()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KMeansReference.Lloyd(new float[12], 4, 3, new float[5], 3));
        Assert.Equal("initialCentroids", e.ParamName);
        var c = Assert.Throws<ArgumentOutOfRangeException>(() => CpuKMeans.Lloyd(new float[12], 4, 3, new float[5], 3));
        Assert.Equal("initialCentroids", c.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeansSeeding.Seed(new float[12], 4, 3, 5, 1));
    }

    private static (int[] Labels, float[] Centroids) RunOp(Engine.Backends.IBackend backend, float[] points, int n, int d, int k, ulong seed, int iterations = 20)
    {
        var outs = EditingTestHelpers.Run(backend, g =>
        {
            var km = g.KMeans(g.Input("points", DType.F32, new Shape(n, d)), new KMeansParams(k, iterations, seed));
            return [km, g.Aux(km)];
        }, ("points", points));
        return (outs[0].Select(v => (int)v).ToArray(), outs[1]);
    }

    private static float[] Uniform(int n, int d, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
    }
}
