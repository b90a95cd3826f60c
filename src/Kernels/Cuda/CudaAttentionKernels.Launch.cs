using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Attention;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

public static unsafe partial class CudaAttentionKernels
{
    // Scratch slots of this family (CudaKernelContext.Scratch): distinct from the other families' small slot numbers.
    private const int SlotLse = 0x4154_0001, SlotMu = 0x4154_0002, SlotRowDot = 0x4154_0003, SlotErr = 0x4154_0004, SlotPool = 0x4154_0005, SlotTiles = 0x4154_0006, SlotKPrime = 0x4154_0007;

    private static void RunAttention(CudaKernelContext ctx, Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], v [B, H, Nk, Dv] → out [B, H, Nq, Dv], lse [B, H, Nq] f32
        var p = node.ParamsAs<AttentionParams>();
        BoundTensor q = sources[0], k = sources[1], v = sources[2];
        int b = q.Shape[0], h = q.Shape[1], nq = q.Shape[2], d = q.Shape[3], nk = k.Shape[2], dv = v.Shape[3];
        var fa = new FaParams
        {
            Q = CudaKernelContext.Pointer(q), K = CudaKernelContext.Pointer(k), V = CudaKernelContext.Pointer(v),
            O = CudaKernelContext.Pointer(output),
            Lse = aux is BoundTensor lse ? CudaKernelContext.Pointer(lse) : ctx.Scratch(SlotLse, 4L * b * h * nq),
            B = b, H = h, Nq = nq, Nk = nk, D = d, Dv = dv, Scale = p.Scale, IsBf16 = q.DType == DType.BF16 ? 1 : 0,
        };
        bool flash = AttentionSelector.UsesFlash(node) && Aligned16(fa.Q, fa.K, fa.V, fa.O);
        bool gragInKernel = false;
        int next = 3;
        if (p.HasBias)
        {
            BindBias(ref fa, sources[next++]);
        }
        if (p.Grag is { } prepassGroups && AttentionSelector.UsesGragPrepass(flash, prepassGroups))
        {
            // Official all-rows groups: k′ = λ·μ + δ·(k − μ) into scratch, then the plain kernel reads k′.
            fa.K = RunGragKeyPrepass(ctx, k, prepassGroups, CudaKernelContext.Pointer(sources[next++]));
        }
        else if (p.Grag is { } groups)
        {
            gragInKernel = true;
            fa.GragScales = CudaKernelContext.Pointer(sources[next++]);
            fa.GragM = RunGragHelpers(ctx, q, k, groups, p.Scale, flash);
            fa.GragCount = groups.Length;
            for (int g = 0; g < groups.Length; g++)
            {
                fa.GragK0[g] = groups[g].KeyStart;
                fa.GragK1[g] = groups[g].KeyEnd;
                fa.GragR0[g] = groups[g].AllRows ? 0 : groups[g].RowStart;
                fa.GragR1[g] = groups[g].AllRows ? nq : groups[g].RowEnd;
            }
        }
        if (p.RegionBias is float region)
        {
            fa.RowMask = CudaKernelContext.Pointer(sources[next++]);
            fa.ColMask = CudaKernelContext.Pointer(sources[next++]);
            fa.RegionBias = region;
            if (flash)
            {
                // Per 64-key tile: does any column carry the region bias? (the tensor-core kernel skips the others)
                int tiles = (nk + 63) / 64;
                fa.ColTileAny = ctx.Scratch(SlotTiles, 4L * tiles);
                var targs = new KernelArguments().Ptr(fa.ColMask).Int(nk).Ptr(fa.ColTileAny);
                ctx.Launch(AttentionSelector.GenericModule, "attention_tile_any", new LaunchConfig((uint)tiles, 1, 1, 64), targs);
            }
        }
        bool check = (p.HasBias || p.HasRegionBias) && CheckMaskedRows && !ctx.IsDryRun;
        if (check)
        {
            fa.ErrFlag = ctx.Scratch(SlotErr, 8);
            CudaException.Check(CuDriver.cuMemsetD8Async(fa.ErrFlag, 0, 4, ctx.Stream), "cuMemsetD8Async(attention error flag)");
            CudaException.Check(CuDriver.cuMemsetD8Async(fa.ErrFlag + 4, 0x7F, 4, ctx.Stream), "cuMemsetD8Async(attention error row)");
        }
        var args = new KernelArguments().AddStruct(fa);
        if (flash)
        {
            int variant = AttentionSelector.EffectiveVariant(AttentionSelector.FlashVariant(), p.HasBias, gragInKernel, p.HasRegionBias);
            int smem = AttentionSelector.FlashSharedBytes(d, variant);
            var (entry, rows, threads) = AttentionSelector.FlashForward(d, variant);
            nint function = ctx.Function(AttentionSelector.FlashModule(p.HasBias, gragInKernel, p.HasRegionBias), entry);
            if (smem > 48 * 1024 && !ctx.IsDryRun)
            {
                // Opt in to > 48 KB of dynamic shared memory (variant 3 at D = 128); idempotent, cheap host call.
                CudaException.Check(CuDriver.cuFuncSetAttribute(function, CuDriver.FuncAttrMaxDynamicShared, smem), $"cuFuncSetAttribute({entry}, max dynamic shared {smem})");
            }
            var cfg = new LaunchConfig((uint)((nq + rows - 1) / rows), (uint)(b * h), 1, (uint)threads, 1, 1, (uint)smem);
            ctx.Launch(function, cfg, args);
        }
        else
        {
            var cfg = new LaunchConfig((uint)((nq + 3) / 4), (uint)(b * h), 1, 128);
            ctx.Launch(AttentionSelector.GenericModule, "attention_generic_fwd", cfg, args);
        }
        if (check)
        {
            ThrowIfMaskedRow(ctx, node, fa.ErrFlag, h, nq);
        }
    }

    private static void BindBias(ref FaParams fa, BoundTensor bias)
    {
        // bias [B|1, H|1, Nq|1, Nk]: element strides, 0 on broadcast axes.
        var strides = bias.Layout.Strides;
        fa.Bias = CudaKernelContext.Pointer(bias);
        fa.BiasBf16 = bias.DType == DType.BF16 ? 1 : 0;
        fa.BiasStrideB = bias.Shape[0] == 1 ? 0 : strides[0];
        fa.BiasStrideH = bias.Shape[1] == 1 ? 0 : strides[1];
        fa.BiasStrideQ = bias.Shape[2] == 1 ? 0 : strides[2];
        if (strides[3] != 1)
        {
            throw new ArgumentException($"Attention bias {bias.Desc} must have a contiguous last axis", nameof(bias));
        }
    }

    // μ_g (mean key of each group, f32) then m_g(i) = scale·q_i·μ_g; returns the device address of m [B·H, G, Nq].
    // fastMean: bf16 keys, D a multiple of 8, 16-byte aligned (the tensor-core path) → attention_grag_mean_bf16.
    private static ulong RunGragHelpers(CudaKernelContext ctx, BoundTensor q, BoundTensor k, GragGroup[] groups, float scale, bool fastMean)
    {
        int bh = q.Shape[0] * q.Shape[1], nq = q.Shape[2], d = q.Shape[3], nk = k.Shape[2], g = groups.Length;
        var gp = new GragHelperParams
        {
            Q = CudaKernelContext.Pointer(q), K = CudaKernelContext.Pointer(k),
            Mu = ctx.Scratch(SlotMu, 4L * bh * g * d), M = ctx.Scratch(SlotRowDot, 4L * bh * g * nq),
            BH = bh, Nq = nq, Nk = nk, D = d, G = g, IsBf16 = q.DType == DType.BF16 ? 1 : 0, Scale = scale,
        };
        for (int i = 0; i < g; i++)
        {
            gp.K0[i] = groups[i].KeyStart;
            gp.K1[i] = groups[i].KeyEnd;
        }
        var args = new KernelArguments().AddStruct(gp);
        LaunchGragMean(ctx, gp, fastMean);
        ctx.Launch(AttentionSelector.GenericModule, "attention_grag_rowdot", new LaunchConfig((uint)((nq + 3) / 4), (uint)bh, 1, 128), args);
        return gp.M;
    }

    // k′[bh, j, :] = k except on each group's keys: bf16(λ_g·μ_g + δ_g·(k − μ_g)), μ_g in f32 (attention_grag_mean),
    // λ, δ read from the device scales tensor. Returns the device address of k′ [B, H, Nk, D] bf16 (scratch).
    private static ulong RunGragKeyPrepass(CudaKernelContext ctx, BoundTensor k, GragGroup[] groups, ulong scales)
    {
        int bh = k.Shape[0] * k.Shape[1], nk = k.Shape[2], d = k.Shape[3], g = groups.Length;
        long keyBytes = 2L * bh * nk * d;
        var gp = new GragHelperParams
        {
            Q = 0, K = CudaKernelContext.Pointer(k), Mu = ctx.Scratch(SlotMu, 4L * bh * g * d), M = 0,
            BH = bh, Nq = 0, Nk = nk, D = d, G = g, IsBf16 = 1, Scale = 1f,
        };
        for (int i = 0; i < g; i++)
        {
            gp.K0[i] = groups[i].KeyStart;
            gp.K1[i] = groups[i].KeyEnd;
        }
        ulong kPrime = ctx.Scratch(SlotKPrime, keyBytes);
        LaunchGragMean(ctx, gp, fast: true);
        long chunks = (long)bh * nk * (d / 8);
        var rargs = new KernelArguments().AddStruct(gp).Ptr(scales).Ptr(kPrime);
        ctx.Launch(AttentionSelector.GenericModule, "attention_grag_rewrite_k", new LaunchConfig((uint)((chunks + 255) / 256), 1, 1, 256), rargs);
        return kPrime;
    }

    // μ per (b·h, group, channel), f32, deterministic: the 1024-thread bf16 kernel on the tensor-core path, else the generic one.
    private static void LaunchGragMean(CudaKernelContext ctx, GragHelperParams gp, bool fast)
    {
        var args = new KernelArguments().AddStruct(gp);
        if (fast)
        {
            ctx.Launch(AttentionSelector.GenericModule, "attention_grag_mean_bf16", new LaunchConfig((uint)gp.BH, (uint)gp.G, 1, 1024), args);
        }
        else
        {
            ctx.Launch(AttentionSelector.GenericModule, "attention_grag_mean", new LaunchConfig((uint)gp.BH, (uint)gp.G, 1, 256), args);
        }
    }

    private static void ThrowIfMaskedRow(CudaKernelContext ctx, Node node, ulong flag, int heads, int nq)
    {
        CudaException.Check(CuDriver.cuStreamSynchronize(ctx.Stream), $"cuStreamSynchronize(after Attention '{node.Name}')");
        int* host = stackalloc int[2];
        CudaException.Check(CuDriver.cuMemcpyDtoH(host, flag, 8), "cuMemcpyDtoH(attention error flag)");
        if (host[0] != 0)
        {
            long row = host[1];
            long bh = row / nq;
            throw new InvalidOperationException(
                $"Attention '{node.Name}': query row {row % nq} (batch {bh / heads}, head {bh % heads}) has no finite logit; every key is masked (bias or region bias −∞)");
        }
    }

    private static bool Aligned16(params ReadOnlySpan<ulong> pointers)
    {
        foreach (ulong p in pointers)
        {
            if ((p & 15) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
