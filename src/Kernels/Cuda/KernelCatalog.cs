using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda;

/// <summary>
/// The single list of CUDA modules: <c>locus kernels compile</c>, the NVRTC tests and the source tests enumerate it.
/// Attention modules come from <see cref="CudaAttentionKernels.Modules"/> (owned by the attention family).
/// </summary>
public static class KernelCatalog
{
    private static readonly DType[] s_floats = [DType.F32, DType.BF16, DType.F16];

    /// <summary>Modules of the non-attention families.</summary>
    public static IReadOnlyList<KernelModule> CoreModules { get; } =
    [
        new("elementwise", "elementwise.cu", ["add", "sub", "mul", "scale", "silu", "gelu_tanh", "gelu_erf", "sigmoid",
            "add_fast", "sub_fast", "mul_fast", "scale_fast", "silu_fast", "gelu_tanh_fast", "gelu_erf_fast", "sigmoid_fast"], s_floats,
            ["contiguous_b1", "contiguous_b2", "contiguous_b4", "contiguous_b8", "concat_b1", "concat_b2", "concat_b4", "concat_b8",
             "copy_rows_u1", "copy_rows_u2", "copy_rows_u4", "copy_rows_u8", "copy_rows_u16",
             "transpose_b1", "transpose_b2", "transpose_b4", "transpose_b8"]),
        new("convert", "convert.cu", [], [], ["convert_f32_bf16", "convert_bf16_f32", "convert_f32_f16", "convert_f16_f32", "convert_bf16_f16", "convert_f16_bf16", "convert_f32_f32", "convert_bf16_bf16", "convert_f16_f16",
            "convert_fast_f32_bf16", "convert_fast_bf16_f32", "convert_fast_f32_f16", "convert_fast_f16_f32", "convert_fast_bf16_f16", "convert_fast_f16_bf16"]),
        new("modulate", "modulate.cu", ["modulate", "gated_residual", "rope", "upsample_nearest2x", "modulate_fast", "gated_residual_fast", "rope_fast"], s_floats, ["timestep_embedding_f32"]),
        new("norm", "norm.cu", ["layer_norm", "rms_norm", "group_norm_stats", "group_norm_apply", "softmax",
            "layer_norm_vec1", "layer_norm_vec2", "layer_norm_vec4", "rms_norm_vec1", "rms_norm_vec2", "rms_norm_vec4",
            "softmax_vec1", "softmax_vec2", "softmax_vec4"], s_floats),
        new("conv", "conv.cu", ["conv2d", "im2col", "conv_weight", "conv_store"], s_floats),
        new("editing", "editing.cu", ["flow_blend", "area_downsample", "bilinear", "threshold", "morphology", "gaussian_blur3", "minmax_normalize"], s_floats),
    ];

    /// <summary>Every module (core families and attention).</summary>
    public static IReadOnlyList<KernelModule> All => [.. CoreModules, .. CudaAttentionKernels.Modules];

    /// <summary>The module called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">no such module.</exception>
    public static KernelModule Get(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new KeyNotFoundException($"no CUDA module '{name}' in the catalog (have: {string.Join(", ", All.Select(m => m.Name))})");
}
