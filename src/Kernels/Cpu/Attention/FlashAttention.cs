using System.Runtime.Intrinsics;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Gemm;
using Locus.Kernels.Reference;
using Locus.Kernels.Reference.Matrix;

namespace Locus.Kernels.Cpu.Attention;

/// <summary>
/// CPU attention: flash-attention forward (online softmax over key blocks of <see cref="KBlock"/>), parallel over
/// (b, h, query block of ≤ 128 rows). Per block, sᵀ = K·(scale·q)ᵀ and acc += P·V run as register-tiled FMA micro-kernels
/// written once over the vector width (Vector512 where accelerated, else Vector256, else Vector128 as on ARM64 NEON, else
/// the reference kernel), the softmax is vertical over query rows with a polynomial exp; memory O(rows·(D + Dv + KBlock)) per thread (never Nq × Nk). Options as the reference: official GRAG
/// groups rewrite a per-head copy of the keys, row-restricted groups use the exact logit form, then bias and region
/// bias; lse is written.
/// </summary>
internal static unsafe partial class FlashAttention
{
    /// <summary>Most query rows per task.</summary>
    private const int QBlock = 128;

    /// <summary>Kernel entry (see <see cref="GraphBuilder.Attention"/> for the formula).</summary>
    /// <exception cref="InvalidOperationException">A query row has no finite logit (every key masked).</exception>
    public static void Run(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], v [B, H, Nk, Dv] → out [B, H, Nq, Dv], lse [B, H, Nq]
        int width = SelectWidth();
        if (width == 0)
        {
            ReferenceBackend.Table.Execute(node, sources, output, aux);
            return;
        }
        var o = AttentionInputs.Read(node, sources);
        float[]? qArr = sources[0].DType == DType.F32 ? null : HostMemory.ReadFloats(sources[0]);
        float[]? kArr = sources[1].DType == DType.F32 && !o.HasOfficialGrag ? null : HostMemory.ReadFloats(sources[1]);
        float[]? vArr = sources[2].DType == DType.F32 ? null : HostMemory.ReadFloats(sources[2]);
        float[]? outArr = output.DType == DType.F32 ? null : new float[output.Shape.ElementCount];
        var lse = new float[(long)o.B * o.H * o.Nq];
        if (kArr is not null && o.HasOfficialGrag)
        {
            ApplyOfficialGroups(o, kArr);
        }
        Span<float> qs = qArr ?? HostMemory.Dense<float>(sources[0]);
        Span<float> ks = kArr ?? HostMemory.Dense<float>(sources[1]);
        Span<float> vs = vArr ?? HostMemory.Dense<float>(sources[2]);
        Span<float> os = outArr ?? HostMemory.Dense<float>(output);
        float[] mus = GroupMeans(o, ks);
        long failed = -1;
        // SAFETY: every span is pinned for the parallel loop below, which finishes before the fixed scope ends.
        fixed (float* pq = qs, pk = ks, pv = vs, po = os)
        {
            var t = new Tensors((nint)pq, (nint)pk, (nint)pv, (nint)po);
            int threads = Sgemm.MaxThreads, qBlock = QBlock;
            while (qBlock > Nr && (long)o.B * o.H * ((o.Nq + qBlock - 1) / qBlock) < 2L * threads)
            {
                qBlock /= 2;
            }
            int tiles = (o.Nq + qBlock - 1) / qBlock;
            long scratchSize = ScratchSize(o, qBlock);
            Parallel.For(0, o.B * o.H * tiles, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => RentScratch(scratchSize), (task, _, scratch) =>
            {
                int bh = task / tiles, i0 = task % tiles * qBlock;
                int b = bh / o.H, h = bh % o.H, rows = Math.Min(qBlock, o.Nq - i0);
                long bad = width == 512 ? Tile<Vector512<float>, Simd512>(o, t, mus, lse, b, h, i0, rows, scratch)
                    : width == 256 ? Tile<Vector256<float>, Simd256>(o, t, mus, lse, b, h, i0, rows, scratch)
                    : Tile<Vector128<float>, Simd128>(o, t, mus, lse, b, h, i0, rows, scratch);
                if (bad >= 0)
                {
                    Interlocked.CompareExchange(ref failed, bad, -1);
                }
                return scratch;
            }, ReturnScratch);
        }
        if (failed >= 0)
        {
            int i = (int)(failed % o.Nq), bh = (int)(failed / o.Nq);
            throw o.NoFiniteLogit(bh / o.H, bh % o.H, i);
        }
        if (outArr is not null)
        {
            HostMemory.WriteFloats(output, outArr);
        }
        if (aux is BoundTensor lseOut)
        {
            HostMemory.WriteFloats(lseOut, lse);
        }
    }

    /// <summary>k'_j = λ·μ + δ·(k_j − μ) for the official (all-rows) groups, in order, per (b, h); μ accumulated in double.</summary>
    private static void ApplyOfficialGroups(AttentionInputs o, float[] k)
    {
        int d = o.D, nk = o.Nk;
        Parallel.For(0, o.B * o.H, new ParallelOptions { MaxDegreeOfParallelism = Sgemm.MaxThreads }, bh =>
        {
            var mu = new float[d];
            for (int g = 0; g < o.Groups.Length; g++)
            {
                var group = o.Groups[g];
                if (!group.AllRows)
                {
                    continue;
                }
                Mean(k.AsSpan((int)((long)bh * nk * d)), d, group, mu);
                float lambda = o.Lambda[g], delta = o.Delta[g];
                for (int j = group.KeyStart; j < group.KeyEnd; j++)
                {
                    var row = k.AsSpan((int)(((long)bh * nk + j) * d), d);
                    for (int c = 0; c < d; c++)
                    {
                        row[c] = lambda * mu[c] + delta * (row[c] - mu[c]);
                    }
                }
            }
        });
    }

    /// <summary>μ per (b, h, row-restricted group, channel) of the (already rewritten) keys: [B·H, G, D].</summary>
    private static float[] GroupMeans(AttentionInputs o, ReadOnlySpan<float> k)
    {
        int g = o.Groups.Length, d = o.D;
        var mus = new float[(long)o.B * o.H * g * d];
        for (int bh = 0; bh < o.B * o.H; bh++)
        {
            for (int gi = 0; gi < g; gi++)
            {
                if (!o.Groups[gi].AllRows)
                {
                    Mean(k[(int)((long)bh * o.Nk * d)..], d, o.Groups[gi], mus.AsSpan((int)(((long)bh * g + gi) * d), d));
                }
            }
        }
        return mus;
    }

    private static void Mean(ReadOnlySpan<float> k, int d, GragGroup group, Span<float> mu)
    {
        var sum = new double[d];
        for (int j = group.KeyStart; j < group.KeyEnd; j++)
        {
            var row = k.Slice(j * d, d);
            for (int c = 0; c < d; c++)
            {
                sum[c] += row[c];
            }
        }
        for (int c = 0; c < d; c++)
        {
            mu[c] = (float)(sum[c] / (group.KeyEnd - group.KeyStart));
        }
    }

    /// <summary>Base pointers of q, k, v and out (nint so that lambdas can capture them).</summary>
    private readonly record struct Tensors(nint Q, nint K, nint V, nint Out);
}
