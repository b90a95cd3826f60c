using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>
/// Chooses the CUDA attention kernels and says why a node is refused. Pure host logic (no device), so it is unit-tested
/// without a GPU. Paths: the bf16 tensor-core kernel (<c>flash_attention*</c> modules, head dim 64 or 128 with Dv = D)
/// and the generic kernel (<c>attention_generic</c>: f32 math, f32 or bf16, head dims ≤ 256). The environment variable
/// <c>LOCUS_CUDA_ATTENTION=generic</c> forces the generic path (debugging on a GPU).
/// </summary>
internal static class AttentionSelector
{
    /// <summary>Largest head dim (and value dim) of the generic path (32 lanes × 8 channels).</summary>
    public const int MaxGenericHeadDim = 256;

    /// <summary>Module of the generic kernels and the GRAG / pooling helpers.</summary>
    public const string GenericModule = "attention_generic";

    /// <summary>Name of the flash module for an option combination: flash_attention[_b][_g][_r].</summary>
    public static string FlashModule(bool bias, bool grag, bool region) =>
        "flash_attention" + (bias ? "_b" : "") + (grag ? "_g" : "") + (region ? "_r" : "");

    /// <summary>Every attention module: the generic one and the eight flash variants (the plain one also holds the capture kernels).</summary>
    public static IReadOnlyList<KernelModule> Modules { get; } = BuildModules();

    /// <summary>Why <paramref name="node"/> (Attention or AttentionCapture) cannot run on CUDA, or null.</summary>
    public static string? Check(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var q = node.Sources[0];
        if (q.DType is not (DType.F32 or DType.BF16))
        {
            return $"{node.Op} on CUDA takes F32 or BF16 q/k/v, not {q.DType}";
        }
        if (node.Sources[0].Shape[0] * (long)node.Sources[0].Shape[1] > 65535)
        {
            return $"{node.Op} on CUDA needs B·H ≤ 65535 (grid y), got {node.Sources[0].Shape[0]}·{node.Sources[0].Shape[1]}";
        }
        return node.Op == OpKind.Attention ? CheckAttention(node) : null;
    }

    /// <summary>True when the node runs on the bf16 tensor-core kernels (before the launcher's alignment check).</summary>
    public static bool UsesFlash(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (string.Equals(Environment.GetEnvironmentVariable("LOCUS_CUDA_ATTENTION"), "generic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var q = node.Sources[0];
        int d = q.Shape[3];
        if (q.DType != DType.BF16 || d is not (64 or 128))
        {
            return false;
        }
        return node.Op != OpKind.Attention || node.Shape[3] == d;
    }

    /// <summary>
    /// Environment variable choosing the tensor-core forward variant: 1 (4 warps × 16 rows), 2 (8 warps × 16 rows, 128 rows per
    /// block) or 3 (default: 4 warps × 32 rows, 128 rows per block, Q in shared memory, 69,632 B at D = 128). All three pass the
    /// CUDA parity cases on an H100 (2026-11-23); variant 3 ran 303 TFLOP/s against 231 for variant 1 (docs/performance.md).
    /// </summary>
    public const string VariantVariable = "LOCUS_FLASH_VARIANT";

    /// <summary>When set, overrides <see cref="VariantVariable"/> (the attention bench compares variants in one process).</summary>
    public static int? VariantOverride { get; set; }

    /// <summary>When true, official (all-rows) GRAG groups use the in-kernel logit form instead of the k′ pre-pass (bench comparison).</summary>
    public static bool ForceGragLogitForm { get; set; }

    /// <summary>
    /// The tensor-core forward variant: <see cref="VariantOverride"/> (1–3), else <paramref name="environmentValue"/> ("1" → 1,
    /// "2" → 2), else 3. Any other value (empty, "3", garbage) selects the fastest verified variant 3.
    /// </summary>
    public static int FlashVariant(string? environmentValue) =>
        VariantOverride is >= 1 and <= 3 ? VariantOverride.Value : environmentValue?.Trim() switch { "1" => 1, "2" => 2, _ => 3 };

    /// <summary>The variant for this process (<see cref="VariantVariable"/>, <see cref="VariantOverride"/>).</summary>
    public static int FlashVariant() => FlashVariant(Environment.GetEnvironmentVariable(VariantVariable));

    /// <summary>Entry name and launch shape (rows per block, threads) of the forward kernel for head dim <paramref name="d"/>.</summary>
    public static (string Entry, int RowsPerBlock, int Threads) FlashForward(int d, int variant) => variant switch
    {
        2 => ($"flash_attention_fwd_d{d}_v2", 128, 256),
        3 => ($"flash_attention_fwd_d{d}_v3", 128, 128),
        _ => ($"flash_attention_fwd_d{d}", 64, 128),
    };

    /// <summary>
    /// The variant that actually runs: variant 3 exists only in the plain module (with bias, in-kernel GRAG or region bias it
    /// spills at D = 128: 255 registers), so those combinations fall back to the verified variant 1.
    /// </summary>
    public static int EffectiveVariant(int variant, bool bias, bool gragInKernel, bool region) =>
        variant == 3 && (bias || gragInKernel || region) ? 1 : variant is 2 or 3 ? variant : 1;

    /// <summary>Dynamic shared memory of the forward kernel: K and V 64-row tiles (+ a 128-row Q tile for variant 3), rows of D + 8 bf16.</summary>
    public static int FlashSharedBytes(int d, int variant) => (variant == 3 ? 256 : 128) * (d + 8) * 2;

    /// <summary>
    /// True when GRAG runs as the k′ pre-pass (k′ = λ·μ + δ·(k − μ) on each group's keys, then the plain kernel): the
    /// tensor-core path, every group all-rows (official semantics) and <see cref="ForceGragLogitForm"/> off.
    /// Row-restricted groups keep the exact logit form.
    /// </summary>
    public static bool UsesGragPrepass(bool flash, GragGroup[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return flash && !ForceGragLogitForm && groups.Length > 0 && groups.All(g => g.AllRows);
    }

    private static string? CheckAttention(Node node)
    {
        var p = node.ParamsAs<AttentionParams>();
        int d = node.Sources[0].Shape[3], dv = node.Shape[3];
        if (d > MaxGenericHeadDim || dv > MaxGenericHeadDim)
        {
            return $"Attention on CUDA needs head dims ≤ {MaxGenericHeadDim}, got D = {d}, Dv = {dv}";
        }
        if (p.HasBias && node.Sources[3].DType is not (DType.F32 or DType.BF16))
        {
            return $"Attention on CUDA takes an F32 or BF16 bias, not {node.Sources[3].DType}";
        }
        if (p.Grag is { } groups)
        {
            if (groups.Length > FaParams.MaxGroups)
            {
                return $"Attention on CUDA takes at most {FaParams.MaxGroups} GRAG groups, got {groups.Length}";
            }
            for (int a = 0; a < groups.Length; a++)
            {
                for (int b = a + 1; b < groups.Length; b++)
                {
                    if (groups[a].KeyStart < groups[b].KeyEnd && groups[b].KeyStart < groups[a].KeyEnd)
                    {
                        return $"Attention on CUDA needs disjoint GRAG key ranges; groups {a} [{groups[a].KeyStart}, {groups[a].KeyEnd}) and {b} [{groups[b].KeyStart}, {groups[b].KeyEnd}) overlap";
                    }
                }
            }
        }
        return null;
    }

    private static KernelModule[] BuildModules()
    {
        var list = new List<KernelModule>
        {
            new(GenericModule, "attention_generic.cu", [], [],
                ["attention_generic_fwd", "attention_generic_capture", "attention_grag_mean", "attention_grag_rowdot", "attention_pool2x2", "attention_tile_any",
                    "attention_grag_rewrite_k", "attention_grag_mean_bf16"]),
        };
        for (int mask = 0; mask < 8; mask++)
        {
            bool bias = (mask & 1) != 0, grag = (mask & 2) != 0, region = (mask & 4) != 0;
            bool capture = mask == 0;
            string[] entries = capture
                ? ["flash_attention_fwd_d64", "flash_attention_fwd_d128", "flash_attention_fwd_d64_v2", "flash_attention_fwd_d128_v2",
                    "flash_attention_fwd_d64_v3", "flash_attention_fwd_d128_v3", "flash_attention_capture_d64", "flash_attention_capture_d128"]
                : ["flash_attention_fwd_d64", "flash_attention_fwd_d128", "flash_attention_fwd_d64_v2", "flash_attention_fwd_d128_v2"];
            string[] options =
            [
                "-DFA_HAS_BIAS=" + (bias ? 1 : 0), "-DFA_HAS_GRAG=" + (grag ? 1 : 0), "-DFA_HAS_REGION=" + (region ? 1 : 0),
                "-DFA_WITH_CAPTURE=" + (capture ? 1 : 0), "-DFA_WITH_V3=" + (capture ? 1 : 0),
            ];
            list.Add(new KernelModule(FlashModule(bias, grag, region), "flash_attention.cu", [], [], entries, options));
        }
        return [.. list];
    }
}
