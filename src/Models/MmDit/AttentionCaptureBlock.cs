using Locus.Engine.Graph;

namespace Locus.Models.MmDit;

/// <summary>
/// The maps of one captured joint-attention call (only with <see cref="AttentionCaptureOptions.PerBlock"/>), each already
/// multiplied by the <see cref="AttentionCapture.WeightInput"/> value: f32 [B, N_tgt, N_txt] / [B, N_tgt, N_tgt]
/// (pooled: [B, N_tgt/4, N_tgt/4]); <paramref name="Lse"/> the call's joint log-sum-exp [B, H, N_total] (f32, natural log).
/// A map not selected in the options is null.
/// </summary>
public sealed record AttentionCaptureBlock(int Layer, Node? JointText, Node? TextOnly, Node? TargetTarget, Node Lse);
