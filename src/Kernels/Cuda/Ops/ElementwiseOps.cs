using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>Launchers of elementwise.cu and convert.cu: binary ops, scale/activations, Contiguous, Convert, Concat.</summary>
internal static class ElementwiseOps
{
    public static void Register(KernelTable table, CudaKernelContext ctx)
    {
        table.Add(OpKind.Add, (n, s, o, _) => Binary(ctx, "add", s, o), CheckStrided);
        table.Add(OpKind.Sub, (n, s, o, _) => Binary(ctx, "sub", s, o), CheckStrided);
        table.Add(OpKind.Mul, (n, s, o, _) => Binary(ctx, "mul", s, o), CheckStrided);
        table.Add(OpKind.Scale, (n, s, o, _) =>
        {
            var p = n.ParamsAs<ScaleParams>();
            Unary(ctx, "scale", s[0], o, a => a.Float(p.Scale).Float(p.Bias));
        }, CheckStrided);
        table.Add(OpKind.Silu, (n, s, o, _) => Unary(ctx, "silu", s[0], o, null), CheckStrided);
        table.Add(OpKind.Sigmoid, (n, s, o, _) => Unary(ctx, "sigmoid", s[0], o, null), CheckStrided);
        table.Add(OpKind.Gelu, (n, s, o, _) => Unary(ctx, n.ParamsAs<GeluParams>().Approximate ? "gelu_tanh" : "gelu_erf", s[0], o, null), CheckStrided);
        table.Add(OpKind.Contiguous, (n, s, o, _) => Copy(ctx, s[0], o), CheckRank);
        table.Add(OpKind.Convert, (n, s, o, _) => Convert(ctx, s[0], o), CheckConvert);
        table.Add(OpKind.Concat, (n, s, o, _) => Concat(ctx, n.ParamsAs<ConcatParams>().Axis, s, o), CheckConcat);
    }

    // out [shape] = a ∘ b, both broadcast by StridedView (or the contiguous fast path when both operands allow it).
    private static void Binary(CudaKernelContext ctx, string root, ReadOnlySpan<BoundTensor> s, BoundTensor o)
    {
        long n = CudaOps.Count(o);
        if (TryBinaryFast(ctx, root, s[0], s[1], o, n))
        {
            return;
        }
        var args = new KernelArguments().Ptr(CudaKernelContext.Pointer(s[0])).Ptr(CudaKernelContext.Pointer(s[1])).Ptr(CudaKernelContext.Pointer(o))
            .AddStruct(StridedView.For(s[0], o.Shape)).AddStruct(StridedView.For(s[1], o.Shape)).Long(n);
        ctx.Launch("elementwise", CudaOps.Entry(root, o.DType), LaunchConfig.Linear(n), args);
    }

    private static void Unary(CudaKernelContext ctx, string root, BoundTensor x, BoundTensor o, Action<KernelArguments>? extra)
    {
        long n = CudaOps.Count(o);
        if (FastPath.Fits(n) && x.Layout.IsContiguous)
        {
            ulong xp = CudaKernelContext.Pointer(x), op = CudaKernelContext.Pointer(o);
            bool vec = FastPath.Aligned(xp, op);
            var fast = new KernelArguments().Ptr(xp).Ptr(op).Int((int)n).Int(vec ? 1 : 0);
            extra?.Invoke(fast);
            ctx.Launch("elementwise", CudaOps.Entry(root + "_fast", o.DType), FastPath.Grid(ctx, vec ? n / FastPath.Width(o.DType) : n), fast);
            return;
        }
        var args = new KernelArguments().Ptr(CudaKernelContext.Pointer(x)).Ptr(CudaKernelContext.Pointer(o)).AddStruct(StridedView.For(x, o.Shape)).Long(n);
        extra?.Invoke(args);
        ctx.Launch("elementwise", CudaOps.Entry(root, o.DType), LaunchConfig.Linear(n), args);
    }

    private static void Copy(CudaKernelContext ctx, BoundTensor x, BoundTensor o)
    {
        long n = CudaOps.Count(o);
        ulong op = CudaKernelContext.Pointer(o);
        if (x.Shape == o.Shape && RowView.TryFor(x, op, out var rows, out int unit, out long units))
        {
            // Dense last dim (head split/merge, slices along leading dims): row-run copy in the widest legal unit.
            ctx.Launch("elementwise", "copy_rows_u" + unit, FastPath.Grid(ctx, units),
                new KernelArguments().Ptr(CudaKernelContext.Pointer(x)).Ptr(op).AddStruct(rows).Int((int)units));
            return;
        }
        if (x.Shape == o.Shape && TransposeView.TryFor(x.Shape, x.Layout.Strides, out var tv, out long batches))
        {
            // Last-two-dims swap: 32×32 shared-memory tiles, coalesced on both sides.
            ctx.Launch("elementwise", "transpose_b" + x.DType.SizeInBytes(), new LaunchConfig((tv.B + 31) / 32, (tv.A + 31) / 32, (uint)batches, 32, 8),
                new KernelArguments().Ptr(CudaKernelContext.Pointer(x)).Ptr(op).AddStruct(tv));
            return;
        }
        var args = new KernelArguments().Ptr(CudaKernelContext.Pointer(x)).Ptr(op).AddStruct(StridedView.For(x, o.Shape)).Long(n);
        ctx.Launch("elementwise", "contiguous_b" + x.DType.SizeInBytes(), LaunchConfig.Linear(n), args);
    }

    private static void Convert(CudaKernelContext ctx, BoundTensor x, BoundTensor o)
    {
        if (!x.DType.IsFloat())
        {
            Copy(ctx, x, o);
            return;
        }
        long n = CudaOps.Count(o);
        if (x.DType != o.DType && FastPath.Fits(n) && x.Layout.IsContiguous)
        {
            ulong xp = CudaKernelContext.Pointer(x), op = CudaKernelContext.Pointer(o);
            bool vec = FastPath.Aligned(xp, op);
            int width = Math.Min(FastPath.Width(x.DType), FastPath.Width(o.DType));
            ctx.Launch("convert", $"convert_fast_{x.DType.KernelSuffix()}_{o.DType.KernelSuffix()}", FastPath.Grid(ctx, vec ? n / width : n),
                new KernelArguments().Ptr(xp).Ptr(op).Int((int)n).Int(vec ? 1 : 0));
            return;
        }
        var args = new KernelArguments().Ptr(CudaKernelContext.Pointer(x)).Ptr(CudaKernelContext.Pointer(o)).AddStruct(StridedView.For(x, o.Shape)).Long(n);
        ctx.Launch("convert", $"convert_{x.DType.KernelSuffix()}_{o.DType.KernelSuffix()}", LaunchConfig.Linear(n), args);
    }

    // Each part [outer, inner_p] lands at column offset Σ inner of earlier parts in out [outer, outInner].
    private static void Concat(CudaKernelContext ctx, int axis, ReadOnlySpan<BoundTensor> parts, BoundTensor o)
    {
        long outer = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= o.Shape[d];
        }
        long outInner = CudaOps.Count(o) / Math.Max(outer, 1);
        long at = 0;
        string entry = "concat_b" + o.DType.SizeInBytes();
        foreach (var p in parts)
        {
            long inner = CudaOps.Count(p) / Math.Max(outer, 1);
            if (inner > 0 && outer > 0)
            {
                ctx.Launch("elementwise", entry, LaunchConfig.Linear(outer * inner),
                    new KernelArguments().Ptr(CudaKernelContext.Pointer(p)).Ptr(CudaKernelContext.Pointer(o)).Long(outer).Long(inner).Long(outInner).Long(at));
            }
            at += inner;
        }
    }

    // Contiguous fast path: each operand dense, row-broadcast, per-row or scalar; 16-byte vectors when aligned.
    private static bool TryBinaryFast(CudaKernelContext ctx, string root, BoundTensor a, BoundTensor b, BoundTensor o, long n)
    {
        int ka = FastPath.Kind(a, o.Shape), kb = FastPath.Kind(b, o.Shape);
        if (!FastPath.Fits(n) || ka == FastPath.None || kb == FastPath.None || o.Shape.Rank == 0)
        {
            return false;
        }
        int c = o.Shape[o.Shape.Rank - 1];
        int width = FastPath.Width(o.DType);
        ulong ap = CudaKernelContext.Pointer(a), bp = CudaKernelContext.Pointer(b), op = CudaKernelContext.Pointer(o);
        bool broadcastOk = c % width == 0 || ((ka is FastPath.Dense or FastPath.Scalar) && (kb is FastPath.Dense or FastPath.Scalar));
        bool vec = broadcastOk && FastPath.Aligned(ka == FastPath.Scalar ? 0 : ap, kb == FastPath.Scalar ? 0 : bp, op);
        var args = new KernelArguments().Ptr(ap).Ptr(bp).Ptr(op).Int((int)n).Int(c).Int(ka).Int(kb).Int(vec ? 1 : 0);
        ctx.Launch("elementwise", CudaOps.Entry(root + "_fast", o.DType), FastPath.Grid(ctx, vec ? n / width : n), args);
        return true;
    }

    private static string? CheckRank(Node node) =>
        node.Shape.Rank > StridedView.MaxRank ? $"rank {node.Shape.Rank} > {StridedView.MaxRank}" : null;

    private static string? CheckStrided(Node node) => CudaOps.FloatActivations(node) ?? CheckRank(node);

    private static string? CheckConvert(Node node)
    {
        var from = node.Sources[0].DType;
        if (CheckRank(node) is { } r)
        {
            return r;
        }
        if (from.IsFloat() && node.DType.IsFloat())
        {
            return null;
        }
        return from == node.DType ? null : $"Convert {from} → {node.DType} is not supported on CUDA (floats only)";
    }

    private static string? CheckConcat(Node node) =>
        node.DType.SizeInBytes() is 1 or 2 or 4 or 8 ? null : $"Concat of {node.DType}";
}
