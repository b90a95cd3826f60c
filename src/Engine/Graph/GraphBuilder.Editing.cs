using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

public sealed partial class GraphBuilder
{
    /// <summary>
    /// Masked latent blending on packed tokens: x ← m·x + (1 − m)·(σ·ε + (1 − σ)·x0), x/x0/ε [B, N, C], m [B, N, 1],
    /// σ [1] F32 (a per-step input). At σ = 0 tokens with m = 0 equal x0 exactly.
    /// </summary>
    public Node FlowBlend(Node x, Node x0, Node noise, Node mask, Node sigma, string? name = null)
    {
        const string op = "FlowBlend";
        RequireFloat(op, name, x);
        RequireRank(op, name, x, 3);
        foreach (var t in new[] { x0, noise, mask })
        {
            RequireSameDType(op, name, x, t);
        }
        if (x0.Shape != x.Shape || noise.Shape != x.Shape)
        {
            throw Error(op, name, $"x {x.Shape}, x0 {x0.Shape} and noise {noise.Shape} must agree");
        }
        if (mask.Shape != new Shape(x.Shape[0], x.Shape[1], 1))
        {
            throw Error(op, name, $"mask {mask.Shape} must be [{x.Shape[0]}, {x.Shape[1]}, 1]");
        }
        if (sigma.DType != DType.F32 || sigma.Shape != new Shape(1))
        {
            throw Error(op, name, $"sigma {sigma.Desc} must be F32 [1]");
        }
        return Add(op: OpKind.FlowBlend, [EnsureContiguous(x), EnsureContiguous(x0), EnsureContiguous(noise), EnsureContiguous(mask), sigma], null, new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>
    /// Lloyd k-means over points [N, D] (F32) with k-means++ seeding from <see cref="KMeansParams.Seed"/>; distances by
    /// ‖x‖² − 2x·cᵀ + ‖c‖²; an empty cluster takes the point farthest from its centroid. Output labels [N] I32;
    /// auxiliary output centroids [K, D] F32. Deterministic for a seed.
    /// </summary>
    public Node KMeans(Node points, KMeansParams p, string? name = null)
    {
        if (points.DType != DType.F32 || points.Shape.Rank != 2)
        {
            throw Error("KMeans", name, $"points {points.Desc} must be F32 [N, D]");
        }
        if (p.ClusterCount < 1 || p.ClusterCount > points.Shape[0] || p.Iterations < 0)
        {
            throw Error("KMeans", name, $"k = {p.ClusterCount} must be in [1, {points.Shape[0]}] and iterations ≥ 0");
        }
        return Add(OpKind.KMeans, [EnsureContiguous(points)], p, new TensorDesc(DType.I32, new Shape(points.Shape[0])), name,
            new TensorDesc(DType.F32, new Shape(p.ClusterCount, points.Shape[1])));
    }

    /// <summary>Area downsample of [..., H, W] by (fy, fx): mean of each fy × fx block; H and W must divide.</summary>
    public Node AreaDownsample(Node x, int factorY, int factorX, string? name = null)
    {
        var s = RequireMap("AreaDownsample", name, x);
        if (factorY < 1 || factorX < 1 || s[-2] % factorY != 0 || s[-1] % factorX != 0)
        {
            throw Error("AreaDownsample", name, $"factors {factorY}×{factorX} do not divide {s}");
        }
        return Add(OpKind.AreaDownsample, [EnsureContiguous(x)], new AreaDownsampleParams(factorY, factorX),
            new TensorDesc(x.DType, s.With(-2, s[-2] / factorY).With(-1, s[-1] / factorX)), name);
    }

    /// <summary>Bilinear resize of [..., H, W] to [..., height, width], half-pixel centres (align_corners = false), clamped borders.</summary>
    public Node BilinearUpsample(Node x, int height, int width, string? name = null)
    {
        var s = RequireMap("BilinearUpsample", name, x);
        if (height < 1 || width < 1)
        {
            throw Error("BilinearUpsample", name, $"size {height}×{width} must be positive");
        }
        return Add(OpKind.BilinearUpsample, [EnsureContiguous(x)], new BilinearParams(height, width), new TensorDesc(x.DType, s.With(-2, height).With(-1, width)), name);
    }

    /// <summary>y = 1 where x ≥ value, else 0.</summary>
    public Node Threshold(Node x, float value, string? name = null)
    {
        RequireFloat("Threshold", name, x);
        return Add(OpKind.Threshold, [EnsureContiguous(x)], new ThresholdParams(value), new TensorDesc(x.DType, x.Shape), name);
    }

    /// <summary>Binary dilation of [..., H, W] (x &gt; 0.5 is set): max over a square (2r+1)² or elliptical (dy² + dx² ≤ r²) element.</summary>
    public Node Dilate(Node x, int radius, bool elliptical, string? name = null) => Morphology(OpKind.Dilate, x, radius, elliptical, name);

    /// <summary>Binary erosion of [..., H, W]: min over the structuring element; outside the map counts as set.</summary>
    public Node Erode(Node x, int radius, bool elliptical, string? name = null) => Morphology(OpKind.Erode, x, radius, elliptical, name);

    /// <summary>3×3 Gaussian blur with kernel [1 2 1]ᵀ[1 2 1]/16 and replicated borders.</summary>
    public Node GaussianBlur3(Node x, string? name = null)
    {
        var s = RequireMap("GaussianBlur3", name, x);
        return Add(OpKind.GaussianBlur3, [EnsureContiguous(x)], null, new TensorDesc(x.DType, s), name);
    }

    /// <summary>Per [H, W] map: (x − min)/(max − min); a constant map becomes 0.</summary>
    public Node MinMaxNormalize(Node x, string? name = null)
    {
        var s = RequireMap("MinMaxNormalize", name, x);
        return Add(OpKind.MinMaxNormalize, [EnsureContiguous(x)], null, new TensorDesc(x.DType, s), name);
    }

    /// <summary>Indices (I32) of the k largest values along the last dim, largest first; ties keep the lower index.</summary>
    public Node TopK(Node x, int k, string? name = null)
    {
        RequireFloat("TopK", name, x);
        if (k < 1 || k > x.Shape[-1])
        {
            throw Error("TopK", name, $"k = {k} must be in [1, {x.Shape[-1]}]");
        }
        return Add(OpKind.TopK, [EnsureContiguous(x)], new TopKParams(k), new TensorDesc(DType.I32, x.Shape.With(-1, k)), name);
    }

    /// <summary>Keeps the largest 4-connected component of x &gt; 0.5 per [H, W] map (ties: the one met first in row-major order).</summary>
    public Node LargestComponent(Node x, string? name = null)
    {
        var s = RequireMap("LargestComponent", name, x);
        return Add(OpKind.LargestComponent, [EnsureContiguous(x)], null, new TensorDesc(x.DType, s), name);
    }

    private Node Morphology(OpKind op, Node x, int radius, bool elliptical, string? name)
    {
        var s = RequireMap(op.ToString(), name, x);
        if (radius < 0)
        {
            throw Error(op.ToString(), name, $"radius {radius} is negative");
        }
        return Add(op, [EnsureContiguous(x)], new MorphologyParams(radius, elliptical), new TensorDesc(x.DType, s), name);
    }

    private Shape RequireMap(string op, string? name, Node x)
    {
        RequireFloat(op, name, x);
        if (x.Shape.Rank < 2)
        {
            throw Error(op, name, $"'{x.Name}' {x.Shape} must be [..., H, W]");
        }
        return x.Shape;
    }
}
