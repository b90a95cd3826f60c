using System.Numerics;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Core;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Kernels.Cpu.Attention;

/// <summary>
/// CPU AttentionCapture: P[b, r, c] = (1/H)·Σ_h e^(scale·q_r·k_c − lse_r) recomputed from q, k and lse, one output row per
/// task (2×2 pooling: the 4 query rows of a pooled cell, then the 4 columns), × weight (+ accumulator). Scratch per task is
/// one row of the block (never Nq × Nk).
/// </summary>
internal static unsafe class AttentionCaptureKernel
{
    /// <summary>Kernel entry (see <see cref="GraphBuilder.AttentionCapture"/>).</summary>
    public static void Run(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], lse [B, H, Nq], weight [1], acc [B, r, c] → out [B, r, c]
        var p = node.ParamsAs<AttentionCaptureParams>();
        float[]? qArr = sources[0].DType == DType.F32 ? null : HostMemory.ReadFloats(sources[0]);
        float[]? kArr = sources[1].DType == DType.F32 ? null : HostMemory.ReadFloats(sources[1]);
        float[] lse = HostMemory.ReadFloats(sources[2]);
        float weight = HostMemory.ReadFloats(sources[3])[0];
        float[]? acc = sources.Length > 4 ? HostMemory.ReadFloats(sources[4]) : null;
        int bCount = sources[0].Shape[0], hCount = sources[0].Shape[1], nq = sources[0].Shape[2], d = sources[0].Shape[3];
        int nk = sources[1].Shape[2];
        int cols = p.ColEnd - p.ColStart, outRows = output.Shape[1], outCols = output.Shape[2];
        var result = new float[output.Shape.ElementCount];
        Span<float> qs = qArr ?? HostMemory.Dense<float>(sources[0]);
        Span<float> ks = kArr ?? HostMemory.Dense<float>(sources[1]);
        // SAFETY: q and k stay pinned until the parallel loop has finished.
        fixed (float* pq = qs, pk = ks)
        {
            nint qn = (nint)pq, kn = (nint)pk;
            Parallel.For(0, bCount * outRows, new ParallelOptions { MaxDegreeOfParallelism = Sgemm.MaxThreads }, task =>
            {
                int b = task / outRows, r = task % outRows;
                var sums = new float[cols];
                int[] srcRows = p.Pool2x2 ? PoolCells(r, p.GridWidth) : [r];
                foreach (int sr in srcRows)
                {
                    int i = p.RowStart + sr;
                    for (int h = 0; h < hCount; h++)
                    {
                        long bh = (long)b * hCount + h;
                        float* q = (float*)qn + (bh * nq + i) * d;
                        float* k = (float*)kn + (bh * nk + p.ColStart) * d;
                        float l = lse[bh * nq + i];
                        for (int c = 0; c < cols; c++)
                        {
                            sums[c] += MathF.Exp(p.Scale * Dot(q, k + (long)c * d, d) - l);
                        }
                    }
                }
                float norm = weight / (hCount * srcRows.Length * (p.Pool2x2 ? 4 : 1));
                long at = ((long)b * outRows + r) * outCols;
                for (int c = 0; c < outCols; c++)
                {
                    float v = 0;
                    if (p.Pool2x2)
                    {
                        foreach (int sc in PoolCells(c, p.GridWidth))
                        {
                            v += sums[sc];
                        }
                    }
                    else
                    {
                        v = sums[c];
                    }
                    result[at + c] = v * norm + (acc is null ? 0f : acc[at + c]);
                }
            });
        }
        HostMemory.WriteFloats(output, result);
    }

    /// <summary>The 4 block indices (grid width w) behind pooled cell <paramref name="cell"/>.</summary>
    private static int[] PoolCells(int cell, int w)
    {
        int half = w / 2, y = 2 * (cell / half), x = 2 * (cell % half);
        return [y * w + x, y * w + x + 1, (y + 1) * w + x, (y + 1) * w + x + 1];
    }

    // SAFETY: a and b hold d floats.
    private static float Dot(float* a, float* b, int d)
    {
        int c = 0, w = CpuVec.Lanes;
        var s = Vector<float>.Zero;
        for (; c + w <= d; c += w)
        {
            s = CpuVec.MulAdd(Vector.Load(a + c), Vector.Load(b + c), s);
        }
        float sum = Vector.Sum(s);
        for (; c < d; c++)
        {
            sum += a[c] * b[c];
        }
        return sum;
    }
}
