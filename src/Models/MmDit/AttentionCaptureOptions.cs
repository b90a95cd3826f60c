namespace Locus.Models.MmDit;

/// <summary>
/// Which joint-attention maps a transformer graph captures (IAM-style attention-derived edit masks;
/// editing-mechanisms.md §3.9–3.10). Maps are taken from q and k after QK-RMSNorm and RoPE in the joint order
/// [text, target, reference], head-averaged after the per-head softmax, f32 [B, rows, cols], and averaged over the
/// captured calls. See <see cref="AttentionCapture"/> for the nodes and the weight input.
/// </summary>
public sealed record AttentionCaptureOptions
{
    /// <summary>
    /// Joint-attention calls to capture by call index (Flux: double blocks 0..L−1 then single blocks L..L+S−1; Qwen:
    /// blocks 0..L−1); null = all. Indices outside the model are an error at build time.
    /// </summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>Joint softmax, target rows × text columns: P[N_txt + a, t] (rows do not sum to 1).</summary>
    public bool JointText { get; init; } = true;

    /// <summary>Text-restricted softmax, target rows × text columns: e^(s_at) / Σ_{t' ∈ text} e^(s_at') (rows sum to 1).</summary>
    public bool TextOnly { get; init; } = true;

    /// <summary>Joint softmax, target rows × target columns: P[N_txt + a, N_txt + c] (self-attention rows for k-means).</summary>
    public bool TargetTarget { get; init; } = true;

    /// <summary>2×2 average pooling of the target × target map on the target token grid (both axes; needs <see cref="GridHeight"/> and <see cref="GridWidth"/> even).</summary>
    public bool PoolTargetTarget { get; init; }

    /// <summary>Target token grid height (packed tokens); required when <see cref="PoolTargetTarget"/> is set.</summary>
    public int GridHeight { get; init; }

    /// <summary>Target token grid width (packed tokens); required when <see cref="PoolTargetTarget"/> is set.</summary>
    public int GridWidth { get; init; }

    /// <summary>Also expose every captured call's own maps and its joint LSE [B, H, N_total] (tests, diagnostics).</summary>
    public bool PerBlock { get; init; }

    /// <summary>Checks the options against a model with <paramref name="calls"/> joint-attention calls and a sequence layout.</summary>
    /// <exception cref="ArgumentException">No map selected, a layer index outside [0, calls), or a bad pooling grid.</exception>
    public void Validate(int calls, SequenceLayout seq)
    {
        ArgumentNullException.ThrowIfNull(seq);
        if (!JointText && !TextOnly && !TargetTarget)
        {
            throw new ArgumentException("attention capture selects no map (JointText, TextOnly and TargetTarget are all off)", nameof(JointText));
        }
        if (Layers is not null)
        {
            if (Layers.Count == 0)
            {
                throw new ArgumentException("attention capture Layers is empty; use null for all joint-attention calls", nameof(Layers));
            }
            foreach (int layer in Layers)
            {
                if (layer < 0 || layer >= calls)
                {
                    throw new ArgumentException($"attention capture layer {layer} is outside [0, {calls}) (the model's joint-attention calls)", nameof(Layers));
                }
            }
        }
        if (PoolTargetTarget && (GridHeight <= 0 || GridWidth <= 0 || GridHeight % 2 != 0 || GridWidth % 2 != 0 || GridHeight * GridWidth != seq.TargetTokens))
        {
            throw new ArgumentException(
                $"2×2 pooling needs an even target grid with GridHeight·GridWidth = {seq.TargetTokens} target tokens; got {GridHeight}×{GridWidth}", nameof(GridHeight));
        }
    }

    /// <summary>True when call <paramref name="layer"/> is captured.</summary>
    public bool Captures(int layer) => Layers is null || Layers.Contains(layer);
}
