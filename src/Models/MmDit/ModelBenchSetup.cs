namespace Locus.Models.MmDit;

/// <summary>Setup of one model benchmark: architecture, depth, token counts.</summary>
/// <param name="Arch">"flux-kontext-dev" or "qwen-image-edit".</param>
/// <param name="Blocks">Flux: double blocks (single blocks = 2×, capped at 38); Qwen: blocks. null = the full model.</param>
/// <param name="Grid">Packed target (and reference) grid side: 64 = 4096 tokens (1024² pixels).</param>
/// <param name="TextTokens">Text tokens; null = 512 (Flux) / 1400 (Qwen-Edit, ≈1 MP VL image + prompt).</param>
/// <param name="Heads">Attention heads; null = 24 (D = 3072). Fewer heads give small CPU-sized models.</param>
/// <param name="HeadDim">Head dim (128 for both real models).</param>
/// <param name="Grag">GRAG on the reference keys (every block), or null for none.</param>
/// <param name="GragScale">(λ, δ) fed to the GRAG scales input.</param>
public sealed record ModelBenchSetup(string Arch, int? Blocks = null, int Grid = 64, int? TextTokens = null, int? Heads = null, int HeadDim = 128,
    GragOptions? Grag = null, (float Lambda, float Delta) GragScale = default);
