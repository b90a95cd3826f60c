using Locus.Engine.Backends;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Attention;

/// <summary>AttentionMaskBuilder on synthetic maps whose answer is known by construction (4×4 grid: left half vs right half).</summary>
public sealed class AttentionMaskBuilderTests
{
    private const int Grid = 4;
    private const int N = Grid * Grid;
    private const int Text = 4;

    private static bool Right(int t) => t % Grid >= 2;

    /// <summary>Self-attention: each token attends uniformly to its own half (two exact clusters).</summary>
    private static HostTensor TargetMap()
    {
        var a = new float[N * N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                a[(i * N) + j] = Right(i) == Right(j) ? 1f / 8 : 0f;
            }
        }
        return HostTensor.FromFloats(new Shape(N, N), a);
    }

    /// <summary>Text-restricted map [N, 4]: token 2 is strongest on the right half (varying so the top-k is well defined).</summary>
    private static HostTensor TextMap()
    {
        var m = new float[N * Text];
        for (int i = 0; i < N; i++)
        {
            m[(i * Text) + 0] = 0.4f;
            m[(i * Text) + 1] = 0.3f - (0.01f * i);
            m[(i * Text) + 2] = Right(i) ? 0.5f + (0.001f * i) : 0.05f;
            m[(i * Text) + 3] = 1f - m[i * Text] - m[(i * Text) + 1] - m[(i * Text) + 2];
        }
        return HostTensor.FromFloats(new Shape(1, N, Text), m);
    }

    private static float[] Expected(Func<int, int, bool> inside)
    {
        var e = new float[N];
        for (int t = 0; t < N; t++)
        {
            e[t] = inside(t / Grid, t % Grid) ? 1f : 0f;
        }
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_TwoBlocksFocalOnRight_ReturnsRightHalf(bool reference)
    {
        using IBackend backend = reference ? new ReferenceBackend() : new CpuBackend();
        var settings = new AttentionMaskSettings { Clusters = 2, FocalTopK = 3, DilationRadius = 0, Seed = 7 };
        var r = AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [2], Grid, Grid, settings);
        Assert.Equal(new Shape(Grid, Grid), r.Mask.Shape);
        Assert.Equal(Expected((y, x) => x >= 2), r.Mask.ToFloatArray());
        Assert.Equal([15, 14, 11], r.Focal);
        Assert.Single(r.SelectedClusters);
    }

    [Fact]
    public void Build_Dilation1_AddsTheNeighbouringColumn()
    {
        using var backend = new CpuBackend();
        var settings = new AttentionMaskSettings { Clusters = 2, FocalTopK = 1, DilationRadius = 1 };
        var r = AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [2], Grid, Grid, settings);
        Assert.Equal(Expected((y, x) => x >= 1), r.Mask.ToFloatArray());
    }

    [Fact]
    public void Build_PooledTargetMap_UpsamplesClustersToTheGrid()
    {
        // pooled 2×2 grid of cells: cell c = (cy, cx), right cells cx = 1
        var a = new float[16];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                a[(i * 4) + j] = i % 2 == j % 2 ? 0.5f : 0f;
            }
        }
        using var backend = new CpuBackend();
        var settings = new AttentionMaskSettings { Clusters = 2, FocalTopK = 2, DilationRadius = 0 };
        var r = AttentionMaskBuilder.Build(backend, TextMap(), HostTensor.FromFloats(new Shape(4, 4), a), [2], Grid, Grid, settings);
        Assert.Equal(Expected((y, x) => x >= 2), r.Mask.ToFloatArray());
        Assert.Equal(4, r.Labels.Length);
    }

    [Fact]
    public void Build_FocalPointsInBothBlocks_ReturnsTheUnion()
    {
        using var backend = new CpuBackend();
        var settings = new AttentionMaskSettings { Clusters = 2, FocalTopK = N, DilationRadius = 0 };
        var r = AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [0, 2], Grid, Grid, settings);
        Assert.All(r.Mask.ToFloatArray(), v => Assert.Equal(1f, v));
        Assert.Equal(2, r.SelectedClusters.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_CapturedFluxMaps_BinaryMaskHoldingEveryFocalPoint(bool pooled)
    {
        var capture = new Models.MmDit.AttentionCapture(new Models.MmDit.AttentionCaptureOptions { JointText = false, PoolTargetTarget = pooled, GridHeight = Grid, GridWidth = Grid });
        var run = CaptureRun.Flux(capture);
        using var backend = new CpuBackend();
        var settings = new AttentionMaskSettings { Clusters = 3, FocalTopK = 2, DilationRadius = 0 };
        var r = AttentionMaskBuilder.Build(backend, run.Values[capture.Maps.TextOnly!], run.Values[capture.Maps.TargetTarget!], [1, 2, 3], Grid, Grid, settings);
        var mask = r.Mask.ToFloatArray();
        Assert.All(mask, v => Assert.True(v is 0f or 1f));
        Assert.All(r.Focal, t => Assert.Equal(1f, mask[t]));
        var again = AttentionMaskBuilder.Build(backend, run.Values[capture.Maps.TextOnly!], run.Values[capture.Maps.TargetTarget!], [1, 2, 3], Grid, Grid, settings);
        Assert.Equal(mask, again.Mask.ToFloatArray());
    }

    [Fact]
    public void TokenScores_MeanOverTokens_MatchesDoubleFormula()
    {
        var s = AttentionMaskBuilder.TokenScores(TextMap(), [1, 2], Grid, Grid).ToFloatArray();
        var m = TextMap().ToFloatArray();
        for (int i = 0; i < N; i++)
        {
            Assert.Equal((float)(((double)m[(i * Text) + 1] + m[(i * Text) + 2]) / 2), s[i]);
        }
    }

    [Fact]
    public void Build_BadInputs_ThrowTypedErrors()
    {
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [1, 4], Grid, Grid));
        Assert.Contains("index 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("text length 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [-1], Grid, Grid));
        Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [], Grid, Grid));
        Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [2], 2, 8 + 1));
        Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), HostTensor.FromFloats(new Shape(8, 8), new float[64]), [2], Grid, Grid));
        Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), HostTensor.FromFloats(new Shape(16, 8), new float[128]), [2], Grid, Grid));
        var nan = TargetMap().ToFloatArray();
        nan[5] = float.NaN;
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => AttentionMaskBuilder.Build(backend, TextMap(), HostTensor.FromFloats(new Shape(N, N), nan), [2], Grid, Grid)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [2], Grid, Grid, new AttentionMaskSettings { Clusters = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMaskBuilder.Build(backend, TextMap(), TargetMap(), [2], Grid, Grid, new AttentionMaskSettings { DilationRadius = -1 }));
    }
}
