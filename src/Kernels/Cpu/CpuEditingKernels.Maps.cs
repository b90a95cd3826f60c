using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Cpu;

public static partial class CpuEditingKernels
{
    // [..., H, W] → [..., H/fy, W/fx]: block means, f32 sums, maps in parallel.
    private static void AreaDownsample(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<AreaDownsampleParams>();
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int fy = p.FactorY, fx = p.FactorX, oh = h / fy, ow = w / fx;
        var y = new float[(long)maps * oh * ow];
        float inv = 1f / (fy * fx);
        ForEach(maps * oh, (long)fy * w, row =>
        {
            int m = row / oh, oy = row % oh;
            var acc = y.AsSpan(row * ow, ow);
            for (int dy = 0; dy < fy; dy++)
            {
                var src = x.AsSpan((int)(((long)m * h + oy * fy + dy) * w), w);
                for (int ox = 0; ox < ow; ox++)
                {
                    float s = 0;
                    for (int dx = 0; dx < fx; dx++)
                    {
                        s += src[ox * fx + dx];
                    }
                    acc[ox] += s;
                }
            }
            for (int ox = 0; ox < ow; ox++)
            {
                acc[ox] *= inv;
            }
        });
        HostMemory.WriteFloats(output, y);
    }

    // [..., H, W] → [..., OH, OW], half-pixel centres; per-axis index/weight tables, maps × rows in parallel.
    private static void BilinearUpsample(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int oh = output.Shape[-2], ow = output.Shape[-1];
        var (y0, y1, ly) = Table(h, oh);
        var (x0, x1, lx) = Table(w, ow);
        var y = new float[(long)maps * oh * ow];
        ForEach(maps * oh, ow, row =>
        {
            int m = row / oh, oy = row % oh;
            var top = x.AsSpan((int)(((long)m * h + y0[oy]) * w), w);
            var bottom = x.AsSpan((int)(((long)m * h + y1[oy]) * w), w);
            var dst = y.AsSpan(row * ow, ow);
            float wy = ly[oy];
            for (int ox = 0; ox < ow; ox++)
            {
                float wx = lx[ox];
                float t = top[x0[ox]] + wx * (top[x1[ox]] - top[x0[ox]]);
                float b = bottom[x0[ox]] + wx * (bottom[x1[ox]] - bottom[x0[ox]]);
                dst[ox] = t + wy * (b - t);
            }
        });
        HostMemory.WriteFloats(output, y);
    }

    private static (int[] I0, int[] I1, float[] Lambda) Table(int inSize, int outSize)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var l = new float[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double src = Math.Max((o + 0.5) * inSize / outSize - 0.5, 0);
            i0[o] = Math.Min((int)src, inSize - 1);
            i1[o] = Math.Min(i0[o] + 1, inSize - 1);
            l[o] = (float)(src - i0[o]);
        }
        return (i0, i1, l);
    }

    // y = 1 where x ≥ value, else 0.
    private static void Threshold(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        float t = node.ParamsAs<ThresholdParams>().Value;
        var x = HostMemory.ReadFloats(sources[0]);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] >= t ? 1f : 0f;
        }
        HostMemory.WriteFloats(output, x);
    }

    // [..., H, W]: separable [1 2 1]/4 horizontally then vertically, replicated borders, maps in parallel.
    private static void GaussianBlur3(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int plane = h * w;
        var y = new float[x.Length];
        ForEach(maps, plane, m =>
        {
            var src = x.AsSpan(m * plane, plane);
            var tmp = new float[plane];
            for (int r = 0; r < h; r++)
            {
                for (int c = 0; c < w; c++)
                {
                    int o = r * w;
                    tmp[o + c] = src[o + Math.Max(c - 1, 0)] + 2 * src[o + c] + src[o + Math.Min(c + 1, w - 1)];
                }
            }
            var dst = y.AsSpan(m * plane, plane);
            for (int r = 0; r < h; r++)
            {
                int up = Math.Max(r - 1, 0) * w, mid = r * w, down = Math.Min(r + 1, h - 1) * w;
                for (int c = 0; c < w; c++)
                {
                    dst[mid + c] = (tmp[up + c] + 2 * tmp[mid + c] + tmp[down + c]) * (1f / 16);
                }
            }
        });
        HostMemory.WriteFloats(output, y);
    }

    // Per [H, W] map: (x − min)/(max − min) in double; a constant map → 0.
    private static void MinMaxNormalize(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int plane = h * w;
        ForEach(maps, plane, m =>
        {
            var map = x.AsSpan(m * plane, plane);
            var (lo, hi) = EditingChecks.MinMax(map);
            double range = (double)hi - lo;
            for (int i = 0; i < plane; i++)
            {
                map[i] = range > 0 ? (float)((map[i] - (double)lo) / range) : float.IsNaN(map[i]) ? float.NaN : 0f;
            }
        });
        HostMemory.WriteFloats(output, x);
    }
}
