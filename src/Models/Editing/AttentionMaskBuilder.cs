using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// IAM-style attention-derived edit mask (editing-mechanisms.md §3.10) from captured maps: k-means (the engine's KMeans
/// op) over the rows of the target × target self-attention map, focal points = top-k target tokens of the mean over the
/// instruction tokens of the text-restricted target × text map, mask = union of the clusters holding a focal point,
/// nearest-upsampled to the token grid when the clustered map was 2×2-pooled, then dilated (Dilate op).
/// </summary>
public static class AttentionMaskBuilder
{
    /// <summary>
    /// Builds the binary token mask [<paramref name="gridHeight"/>, <paramref name="gridWidth"/>].
    /// <paramref name="textMap"/>: text-restricted target × text map [N, T] or [1, N, T] (N = gh·gw);
    /// <paramref name="targetMap"/>: target × target map [N, N] or 2×2-pooled [N/4, N/4] (optionally with a leading 1);
    /// <paramref name="instructionTokens"/>: text columns of the instruction (indices into T). The small graphs run on
    /// <paramref name="backend"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A map has the wrong shape or a non-finite value, or a token index is outside [0, T) or the list is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Invalid settings or grid size.</exception>
    public static AttentionMaskResult Build(IBackend backend, HostTensor textMap, HostTensor targetMap, IReadOnlyList<int> instructionTokens,
        int gridHeight, int gridWidth, AttentionMaskSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(targetMap);
        settings ??= new AttentionMaskSettings();
        settings.Validate();
        var score = TokenScores(textMap, instructionTokens, gridHeight, gridWidth);                   // [gh, gw]
        int n = gridHeight * gridWidth;
        var (points, rows) = Matrix(targetMap, nameof(targetMap));
        bool pooled = rows != n;
        if (pooled && (rows * 4 != n || gridHeight % 2 != 0 || gridWidth % 2 != 0))
        {
            throw new ArgumentException($"target map {targetMap.Shape} must be [{n}, {n}] or 2×2-pooled [{n / 4}, {n / 4}] for a {gridHeight}×{gridWidth} grid", nameof(targetMap));
        }
        int k = Math.Min(settings.Clusters, rows), top = Math.Min(settings.FocalTopK, n);

        var g = new GraphBuilder();
        var p = g.Input("points", DType.F32, new Shape(rows, rows));                                 // [Np, Np]
        var s = g.Input("score", DType.F32, new Shape(n));                                            // [N]
        var labelsNode = g.KMeans(p, new KMeansParams(k, settings.Iterations, settings.Seed), "kmeans"); // [Np] I32
        var focalNode = g.TopK(s, top, "focal");                                                      // [top] I32
        int[] labels, focal;
        using (var ex = new Executor(g.Build(labelsNode, focalNode), backend))
        {
            ex.SetInput("points", HostTensor.FromFloats(new Shape(rows, rows), points));
            ex.SetInput("score", score.Reshape(new Shape(n)));
            ex.Run();
            labels = ex.Read(labelsNode).AsSpan<int>().ToArray();
            focal = ex.Read(focalNode).AsSpan<int>().ToArray();
        }

        // clusters holding a focal point (token (y, x) lies in pooled cell (y/2, x/2))
        var selected = new SortedSet<int>();
        foreach (int t in focal)
        {
            int cell = pooled ? ((t / gridWidth / 2) * (gridWidth / 2)) + (t % gridWidth / 2) : t;
            selected.Add(labels[cell]);
        }
        var mask = new float[n];
        for (int t = 0; t < n; t++)
        {
            int cell = pooled ? ((t / gridWidth / 2) * (gridWidth / 2)) + (t % gridWidth / 2) : t;
            mask[t] = selected.Contains(labels[cell]) ? 1f : 0f;
        }
        var result = HostTensor.FromFloats(new Shape(gridHeight, gridWidth), mask);
        if (settings.DilationRadius > 0)
        {
            result = Dilate(backend, result, settings.DilationRadius, settings.EllipticalDilation);
        }
        return new AttentionMaskResult(result, score, labels, focal, selected.ToArray());
    }

    /// <summary>
    /// Instruction score map [gh, gw]: mean over <paramref name="instructionTokens"/> of the text map [N, T] (or [1, N, T]),
    /// accumulated in double. Also the per-token heat map for <c>--save-maps</c> (one token → that column).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong shape, non-finite value, empty token list or a token index outside [0, T).</exception>
    public static HostTensor TokenScores(HostTensor textMap, IReadOnlyList<int> instructionTokens, int gridHeight, int gridWidth)
    {
        ArgumentNullException.ThrowIfNull(textMap);
        ArgumentNullException.ThrowIfNull(instructionTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridWidth);
        var dims = textMap.Shape.Rank == 3 && textMap.Shape[0] == 1 ? (textMap.Shape[1], textMap.Shape[2])
            : textMap.Shape.Rank == 2 ? (textMap.Shape[0], textMap.Shape[1]) : (-1, -1);
        int n = gridHeight * gridWidth, text = dims.Item2;
        if (dims.Item1 != n)
        {
            throw new ArgumentException($"text map {textMap.Shape} must be [{n}, T] (or [1, {n}, T]) for a {gridHeight}×{gridWidth} token grid", nameof(textMap));
        }
        if (instructionTokens.Count == 0)
        {
            throw new ArgumentException("instruction token list is empty", nameof(instructionTokens));
        }
        foreach (int t in instructionTokens)
        {
            if (t < 0 || t >= text)
            {
                throw new ArgumentException($"instruction token index {t} is outside [0, {text}) (text length {text})", nameof(instructionTokens));
            }
        }
        var m = Finite(textMap, nameof(textMap));
        var score = new float[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            foreach (int t in instructionTokens)
            {
                sum += m[(i * text) + t];
            }
            score[i] = (float)(sum / instructionTokens.Count);
        }
        return HostTensor.FromFloats(new Shape(gridHeight, gridWidth), score);
    }

    private static HostTensor Dilate(IBackend backend, HostTensor mask, int radius, bool elliptical)
    {
        var g = new GraphBuilder();
        var x = g.Input("mask", DType.F32, mask.Shape);
        var y = g.Dilate(x, radius, elliptical, "dilate");
        using var ex = new Executor(g.Build(y), backend);
        ex.SetInput("mask", mask);
        ex.Run();
        return ex.Read(y);
    }

    private static (float[] Values, int Rows) Matrix(HostTensor t, string name)
    {
        var s = t.Shape;
        bool ok = (s.Rank == 2 && s[0] == s[1]) || (s.Rank == 3 && s[0] == 1 && s[1] == s[2]);
        if (!ok)
        {
            throw new ArgumentException($"target map {s} must be square [Np, Np] (or [1, Np, Np])", name);
        }
        return (Finite(t, name), s[-1]);
    }

    private static float[] Finite(HostTensor t, string name)
    {
        var v = t.ToFloatArray();
        for (int i = 0; i < v.Length; i++)
        {
            if (!float.IsFinite(v[i]))
            {
                throw new ArgumentException($"{name} has a non-finite value {v[i]} at flat index {i}", name);
            }
        }
        return v;
    }
}
