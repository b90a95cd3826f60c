using Locus.Engine.Graph;
using Locus.Kernels.Cuda.Attention;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Registers the CUDA attention kernels (Attention, AttentionCapture). Attention runs on the bf16 tensor-core kernel
/// (flash_attention.cu: head dim 64/128, Dv = D, 16-byte aligned tensors) or on the generic kernel (attention_generic.cu:
/// f32 math, F32/BF16, head dims ≤ 256). Options: additive bias, GRAG (official all-rows groups on the tensor-core path:
/// a pre-pass writes k′ = λ·μ + δ·(k − μ) to scratch and the plain kernel runs on k′; otherwise the exact logit form
/// s' = δ·s + (λ − δ)·scale·q·μ; μ from a pre-kernel, λ, δ read on the device), region bias. The forward variant comes from
/// LOCUS_FLASH_VARIANT (1 default; 2, 3 experimental, see Attention/README.md). A row with no finite logit
/// throws <see cref="InvalidOperationException"/> after the launch (see <see cref="CheckMaskedRows"/>).
/// </summary>
public static partial class CudaAttentionKernels
{
    /// <summary>NVRTC modules of this family; <see cref="KernelCatalog.All"/> includes them.</summary>
    public static IReadOnlyList<KernelModule> Modules => AttentionSelector.Modules;

    /// <summary>
    /// When true (default), an Attention launch with a bias or region bias synchronizes the stream and throws if some row had
    /// no finite logit. Set false inside CUDA graph capture; such rows then get out = 0 and lse = −∞.
    /// </summary>
    public static bool CheckMaskedRows { get; set; } = true;

    /// <summary>Adds this family's kernels to <paramref name="table"/>; launchers capture <paramref name="ctx"/> (no device work here).</summary>
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ctx);
        table.Add(OpKind.Attention, (node, sources, output, aux) => RunAttention(ctx, node, sources, output, aux), AttentionSelector.Check);
        table.Add(OpKind.AttentionCapture, (node, sources, output, _) => RunCapture(ctx, node, sources, output), AttentionSelector.Check);
    }
}
