using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Shared launcher helpers: dtype checks, entry names, f32 widening of weights into scratch.</summary>
internal static class CudaOps
{
    /// <summary>Scratch slots (one per call-site role; stream order makes reuse across ops safe).</summary>
    public const int SlotWeight = 1, SlotBias = 2, SlotStats = 3, SlotWeightCast = 4, SlotBiasCast = 5, SlotConvWeight = 6, SlotConvCol = 7, SlotConvOut = 8;

    /// <summary>Null when the node computes in F32 or BF16, else the refusal reason.</summary>
    public static string? FloatActivations(Node node) =>
        node.DType is DType.F32 or DType.BF16 or DType.F16 ? null : $"CUDA kernels run in f32, bf16 or f16, not {node.DType}";

    /// <summary>Entry point name root_f32 / root_bf16.</summary>
    public static string Entry(string root, DType dtype) => root + "_" + dtype.KernelSuffix();

    /// <summary>Element count as long.</summary>
    public static long Count(BoundTensor t) => t.Shape.ElementCount;

    /// <summary>
    /// Device pointer to <paramref name="t"/> as dense f32: the tensor itself when it already is, else a conversion into
    /// scratch slot <paramref name="slot"/> (small tensors: norm/conv weights and biases).
    /// </summary>
    public static ulong AsF32(CudaKernelContext ctx, BoundTensor t, int slot) => AsType(ctx, t, DType.F32, slot);

    /// <summary>Device pointer to <paramref name="t"/> as dense <paramref name="target"/> (converted into scratch when needed).</summary>
    public static ulong AsType(CudaKernelContext ctx, BoundTensor t, DType target, int slot)
    {
        if (t.DType == target && t.Layout.IsContiguous)
        {
            return CudaKernelContext.Pointer(t);
        }
        long n = Count(t);
        ulong dst = ctx.Scratch(slot, n * target.SizeInBytes());
        var view = StridedView.For(t, t.Shape);
        ctx.Launch("convert", $"convert_{t.DType.KernelSuffix()}_{target.KernelSuffix()}", LaunchConfig.Linear(n),
            new KernelArguments().Ptr(CudaKernelContext.Pointer(t)).Ptr(dst).AddStruct(view).Long(n));
        return dst;
    }
}
