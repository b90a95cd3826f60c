namespace Locus.Engine.Graph;

/// <summary>
/// The closed list of graph operations. Every backend, the parity cases and the coverage test
/// enumerate it; adding a member without a reference kernel, a CPU kernel, a CUDA kernel and a
/// parity case fails <c>OpCoverageTests</c>. Exact semantics are on the <see cref="GraphBuilder"/>
/// method of the same name.
/// </summary>
public enum OpKind
{
    // ── leaves (no kernel) ──
    /// <summary>A per-run input bound by the caller (activations, per-step scalars, ids).</summary>
    Input,
    /// <summary>A weight bound once from a checkpoint.</summary>
    Weight,

    // ── views (no kernel; alias their source's storage) ──
    /// <summary>Reshape of a contiguous value.</summary>
    Reshape,
    /// <summary>Dimension permutation (strided view).</summary>
    Permute,
    /// <summary>Range along one axis (strided view).</summary>
    Slice,
    /// <summary>The auxiliary output of a multi-output node (e.g. attention's log-sum-exp).</summary>
    AuxOutput,

    // ── elementwise ──
    /// <summary>a + b with broadcasting.</summary>
    Add,
    /// <summary>a − b with broadcasting.</summary>
    Sub,
    /// <summary>a ⊙ b with broadcasting.</summary>
    Mul,
    /// <summary>x·scale + bias with scalar params.</summary>
    Scale,
    /// <summary>x·σ(x).</summary>
    Silu,
    /// <summary>GELU, tanh approximation or exact erf.</summary>
    Gelu,
    /// <summary>σ(x) = 1/(1 + e^(−x)).</summary>
    Sigmoid,
    /// <summary>x·(1 + scale) + shift (AdaLN modulation).</summary>
    Modulate,
    /// <summary>h0 + g ⊙ y, g per channel [B, C] or per token [B, N, 1].</summary>
    GatedResidual,
    /// <summary>Dtype conversion (RNE for narrowing floats).</summary>
    Convert,
    /// <summary>Dense copy of any strided view.</summary>
    Contiguous,
    /// <summary>Concatenation along an axis.</summary>
    Concat,

    // ── normalisation and reductions ──
    /// <summary>LayerNorm over the last dim, optional affine.</summary>
    LayerNorm,
    /// <summary>RMSNorm over the last dim with weight.</summary>
    RmsNorm,
    /// <summary>GroupNorm over [B, C, H, W] with affine.</summary>
    GroupNorm,
    /// <summary>Softmax over the last dim.</summary>
    Softmax,

    // ── linear algebra ──
    /// <summary>y = x·Wᵀ + b, W [out, in].</summary>
    Linear,
    /// <summary>Batched matrix product a·b (or a·bᵀ).</summary>
    MatMul,

    // ── attention and positions ──
    /// <summary>Scaled dot-product attention with optional bias, GRAG and region bias; aux output = log-sum-exp.</summary>
    Attention,
    /// <summary>Head-averaged attention probabilities recomputed from q, k and lse over a row × column block.</summary>
    AttentionCapture,
    /// <summary>Adjacent-pair rotary embedding from cos/sin tables.</summary>
    Rope,
    /// <summary>Sinusoidal timestep embedding.</summary>
    TimestepEmbedding,

    // ── convolution (VAE) ──
    /// <summary>2-D convolution (NCHW, weight [O, I, kh, kw]) with stride and asymmetric zero padding.</summary>
    Conv2d,
    /// <summary>Nearest-neighbour ×2 upsampling of [B, C, H, W].</summary>
    UpsampleNearest2x,

    // ── editing ──
    /// <summary>x ← m·x + (1 − m)·(σ·ε + (1 − σ)·x0) on packed tokens.</summary>
    FlowBlend,
    /// <summary>Lloyd k-means with k-means++ seeding; output labels, aux centroids.</summary>
    KMeans,
    /// <summary>Area (box) downsample of [.., H, W] by integer factors.</summary>
    AreaDownsample,
    /// <summary>Bilinear resize of [.., H, W] (align_corners = false).</summary>
    BilinearUpsample,
    /// <summary>1 where x ≥ threshold, else 0.</summary>
    Threshold,
    /// <summary>Binary dilation with a square or elliptical structuring element.</summary>
    Dilate,
    /// <summary>Binary erosion with a square or elliptical structuring element.</summary>
    Erode,
    /// <summary>3×3 Gaussian blur, replicate borders.</summary>
    GaussianBlur3,
    /// <summary>(x − min)/(max − min) per [H, W] map.</summary>
    MinMaxNormalize,
    /// <summary>Indices of the k largest values of the last dim (I32, descending).</summary>
    TopK,
    /// <summary>Keeps the largest 4-connected component of a binary map.</summary>
    LargestComponent,
}
