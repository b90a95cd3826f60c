using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;

namespace Locus.Kernels.Reference;

public static partial class ReferenceMatrixKernels
{
    /// <summary>
    /// P[b, i, j] = (1/H)·Σ_h e^(scale·q_i·k_j − lse_i) over the block, optionally 2×2-pooled on both axes (mean of 16),
    /// then × weight[0] (+ accumulator). Double accumulation, full block materialised (oracle only).
    /// </summary>
    private static void AttentionCapture(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], lse [B, H, Nq], weight [1], acc [B, r, c] → [B, r, c]
        var p = node.ParamsAs<AttentionCaptureParams>();
        float[] q = HostMemory.ReadFloats(sources[0]);
        float[] k = HostMemory.ReadFloats(sources[1]);
        float[] lse = HostMemory.ReadFloats(sources[2]);
        float weight = HostMemory.ReadFloats(sources[3])[0];
        float[]? acc = sources.Length > 4 ? HostMemory.ReadFloats(sources[4]) : null;
        int bCount = sources[0].Shape[0], hCount = sources[0].Shape[1], nq = sources[0].Shape[2], d = sources[0].Shape[3];
        int nk = sources[1].Shape[2];
        int rows = p.RowEnd - p.RowStart, cols = p.ColEnd - p.ColStart;
        int outRows = output.Shape[1], outCols = output.Shape[2];
        var result = new float[output.Shape.ElementCount];
        for (int b = 0; b < bCount; b++)
        {
            var block = new double[(long)rows * cols];
            for (int h = 0; h < hCount; h++)
            {
                long bh = (long)b * hCount + h;
                for (int r = 0; r < rows; r++)
                {
                    long qRow = (bh * nq + p.RowStart + r) * d;
                    double l = lse[bh * nq + p.RowStart + r];
                    for (int c = 0; c < cols; c++)
                    {
                        long kRow = (bh * nk + p.ColStart + c) * d;
                        double dot = 0;
                        for (int e = 0; e < d; e++)
                        {
                            dot += (double)q[qRow + e] * k[kRow + e];
                        }
                        block[(long)r * cols + c] += Math.Exp(p.Scale * dot - l) / hCount;
                    }
                }
            }
            for (int r = 0; r < outRows; r++)
            {
                for (int c = 0; c < outCols; c++)
                {
                    double value = p.Pool2x2 ? Pooled(block, cols, p.GridWidth, r, c) : block[(long)r * cols + c];
                    long at = ((long)b * outRows + r) * outCols + c;
                    result[at] = (float)(value * weight + (acc is null ? 0 : acc[at]));
                }
            }
        }
        HostMemory.WriteFloats(output, result);
    }

    /// <summary>Mean of the 2×2 row cells × 2×2 column cells behind pooled entry (r, c) on a grid of width w.</summary>
    private static double Pooled(double[] block, int cols, int w, int r, int c)
    {
        int half = w / 2;
        double sum = 0;
        for (int dr = 0; dr < 4; dr++)
        {
            int row = (2 * (r / half) + dr / 2) * w + 2 * (r % half) + dr % 2;
            for (int dc = 0; dc < 4; dc++)
            {
                int col = (2 * (c / half) + dc / 2) * w + 2 * (c % half) + dc % 2;
                sum += block[(long)row * cols + col];
            }
        }
        return sum / 16;
    }
}
