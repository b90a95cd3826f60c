using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Reference;

public static partial class ReferenceEditingKernels
{
    // [..., H, W] → [..., H/fy, W/fx]: mean of each fy×fx block (double sum).
    private static void AreaDownsample(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<AreaDownsampleParams>();
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int oh = h / p.FactorY, ow = w / p.FactorX;
        var y = new float[(long)maps * oh * ow];
        for (int m = 0; m < maps; m++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double s = 0;
                    for (int dy = 0; dy < p.FactorY; dy++)
                    {
                        for (int dx = 0; dx < p.FactorX; dx++)
                        {
                            s += x[((long)m * h + oy * p.FactorY + dy) * w + ox * p.FactorX + dx];
                        }
                    }
                    y[((long)m * oh + oy) * ow + ox] = (float)(s / (p.FactorY * p.FactorX));
                }
            }
        }
        HostMemory.WriteFloats(output, y);
    }

    // [..., H, W] → [..., OH, OW]: src = (dst + ½)·(in/out) − ½ clamped to ≥ 0, linear between floor and floor+1 (clamped).
    private static void BilinearUpsample(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int oh = output.Shape[-2], ow = output.Shape[-1];
        var y = new float[(long)maps * oh * ow];
        for (int m = 0; m < maps; m++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                var (y0, y1, ly) = SourceIndex(oy, h, oh);
                for (int ox = 0; ox < ow; ox++)
                {
                    var (x0, x1, lx) = SourceIndex(ox, w, ow);
                    long b = (long)m * h * w;
                    double top = (1 - lx) * x[b + (long)y0 * w + x0] + lx * x[b + (long)y0 * w + x1];
                    double bottom = (1 - lx) * x[b + (long)y1 * w + x0] + lx * x[b + (long)y1 * w + x1];
                    y[((long)m * oh + oy) * ow + ox] = (float)((1 - ly) * top + ly * bottom);
                }
            }
        }
        HostMemory.WriteFloats(output, y);
    }

    private static (int I0, int I1, double Lambda) SourceIndex(int dst, int inSize, int outSize)
    {
        double src = Math.Max((dst + 0.5) * inSize / outSize - 0.5, 0);
        int i0 = Math.Min((int)Math.Floor(src), inSize - 1);
        int i1 = Math.Min(i0 + 1, inSize - 1);
        return (i0, i1, src - i0);
    }

    // y = 1 where x ≥ value, else 0 (NaN → 0).
    private static void Threshold(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        float t = node.ParamsAs<ThresholdParams>().Value;
        var x = HostMemory.ReadFloats(sources[0]);
        HostMemory.WriteFloats(output, x.Select(v => v >= t ? 1f : 0f).ToArray());
    }

    // [..., H, W]: Σ_{dy,dx ∈ {−1,0,1}} w(dy)·w(dx)·x[clamp(y+dy), clamp(x+dx)], w = (1, 2, 1)/4.
    private static void GaussianBlur3(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        var y = new float[x.Length];
        for (int m = 0; m < maps; m++)
        {
            long b = (long)m * h * w;
            for (int r = 0; r < h; r++)
            {
                for (int c = 0; c < w; c++)
                {
                    double s = 0;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int rr = Math.Clamp(r + dy, 0, h - 1), cc = Math.Clamp(c + dx, 0, w - 1);
                            s += (2 - Math.Abs(dy)) * (2 - Math.Abs(dx)) * (double)x[b + (long)rr * w + cc];
                        }
                    }
                    y[b + (long)r * w + c] = (float)(s / 16);
                }
            }
        }
        HostMemory.WriteFloats(output, y);
    }

    // Per [H, W] map: (x − min)/(max − min) over the finite-compared values; a constant map → 0.
    private static void MinMaxNormalize(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int plane = h * w;
        var y = new float[x.Length];
        for (int m = 0; m < maps; m++)
        {
            var map = x.AsSpan(m * plane, plane);
            var (lo, hi) = EditingChecks.MinMax(map);
            double range = (double)hi - lo;
            for (int i = 0; i < plane; i++)
            {
                y[m * plane + i] = range > 0 ? (float)((map[i] - (double)lo) / range) : float.IsNaN(map[i]) ? float.NaN : 0f;
            }
        }
        HostMemory.WriteFloats(output, y);
    }
}
