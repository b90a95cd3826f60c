namespace Locus.Engine.Graph;

/// <summary>Base of the typed parameters carried by a node. Records print as <c>Name { A = 1 }</c> for parity case names.</summary>
public abstract record OpParams;

/// <summary>Reshape target.</summary>
public sealed record ReshapeParams(int[] Shape) : OpParams;

/// <summary>Permutation: output dim i is input dim Order[i].</summary>
public sealed record PermuteParams(int[] Order) : OpParams;

/// <summary>[Start, Start + Length) along Axis.</summary>
public sealed record SliceParams(int Axis, int Start, int Length) : OpParams;

/// <summary>y = x·Scale + Bias.</summary>
public sealed record ScaleParams(float Scale, float Bias) : OpParams;

/// <summary>GELU variant: tanh approximation (diffusers "gelu-approximate") or exact erf.</summary>
public sealed record GeluParams(bool Approximate) : OpParams;

/// <summary>Target dtype.</summary>
public sealed record ConvertParams(Tensors.DType Target) : OpParams;

/// <summary>Concatenation axis.</summary>
public sealed record ConcatParams(int Axis) : OpParams;

/// <summary>LayerNorm epsilon; affine weight/bias present when the node has 3 sources.</summary>
public sealed record LayerNormParams(float Epsilon) : OpParams;

/// <summary>RMSNorm epsilon.</summary>
public sealed record RmsNormParams(float Epsilon) : OpParams;

/// <summary>GroupNorm groups and epsilon.</summary>
public sealed record GroupNormParams(int GroupCount, float Epsilon) : OpParams;

/// <summary>MatMul: a·b, or a·bᵀ when TransposeB.</summary>
public sealed record MatMulParams(bool TransposeB) : OpParams;

/// <summary>One GRAG key group: keys [KeyStart, KeyEnd) are re-centred on their mean; λ and δ come from the
/// node's scales input (row <c>index</c>). Rows [RowStart, RowEnd) see the modified keys; RowEnd ≤ 0 means all rows
/// (official semantics, keys modified), otherwise the exact logit form is used on those rows only.</summary>
public sealed record GragGroup(int KeyStart, int KeyEnd, int RowStart = 0, int RowEnd = -1)
{
    /// <summary>True when every query row sees the modified keys (the official GRAG code).</summary>
    public bool AllRows => RowEnd <= 0;
}

/// <summary>
/// Attention options. Sources: q, k, v, then optional inputs in this order when enabled:
/// additive bias (broadcast to [B, H, Nq, Nk]) when HasBias; GRAG scales [groups, 2] (λ, δ) when
/// Grag is non-empty; region row mask [B, Nq] and column mask [Nk] when RegionBias is set.
/// </summary>
public sealed record AttentionParams(float Scale, bool HasBias = false, GragGroup[]? Grag = null, float? RegionBias = null) : OpParams
{
    /// <summary>True when GRAG groups are present.</summary>
    public bool HasGrag => Grag is { Length: > 0 };

    /// <summary>True when the region bias is enabled.</summary>
    public bool HasRegionBias => RegionBias.HasValue;
}

/// <summary>Capture block: query rows [RowStart, RowEnd) × key columns [ColStart, ColEnd), with optional 2×2 pooling of
/// both axes viewed as a GridHeight × GridWidth token grid (image × image blocks).</summary>
public sealed record AttentionCaptureParams(float Scale, int RowStart, int RowEnd, int ColStart, int ColEnd, bool Pool2x2 = false, int GridHeight = 0, int GridWidth = 0) : OpParams;

/// <summary>Sinusoidal timestep embedding (diffusers get_timestep_embedding): t·TimeScale is multiplied by
/// freq_k = exp(−ln(MaxPeriod)·k/(half − DownscaleFreqShift)); output [cos, sin] when FlipSinToCos else [sin, cos].</summary>
public sealed record TimestepEmbeddingParams(int Dim, bool FlipSinToCos, float DownscaleFreqShift, float TimeScale, float MaxPeriod = 10000f) : OpParams;

/// <summary>Conv2d stride and zero padding (top, left, bottom, right).</summary>
public sealed record Conv2dParams(int Stride, int PadTop, int PadLeft, int PadBottom, int PadRight) : OpParams
{
    /// <summary>Symmetric padding.</summary>
    public Conv2dParams(int stride, int padding)
        : this(stride, padding, padding, padding, padding)
    {
    }
}

/// <summary>Area downsample factors.</summary>
public sealed record AreaDownsampleParams(int FactorY, int FactorX) : OpParams;

/// <summary>Bilinear output size.</summary>
public sealed record BilinearParams(int Height, int Width) : OpParams;

/// <summary>Threshold value.</summary>
public sealed record ThresholdParams(float Value) : OpParams;

/// <summary>Morphology radius and structuring element.</summary>
public sealed record MorphologyParams(int Radius, bool Elliptical) : OpParams;

/// <summary>Top-k count.</summary>
public sealed record TopKParams(int K) : OpParams;

/// <summary>K-means settings.</summary>
public sealed record KMeansParams(int ClusterCount, int Iterations, ulong Seed) : OpParams;
