using Locus.Engine.Graph;

namespace Locus.Kernels.Reference.Core;

/// <summary>Direct convolution and upsampling on NCHW spans (double accumulation).</summary>
public static class ReferenceConv
{
    /// <summary>
    /// y[b, o, i, j] = bias[o] + Σ_{c, u, v} w[o, c, u, v]·x[b, c, i·s + u − padTop, j·s + v − padLeft] (zero outside x),
    /// x [B, Ci, H, W], w [Co, Ci, kh, kw], y [B, Co, Ho, Wo]. An empty <paramref name="bias"/> means no bias.
    /// </summary>
    public static void Conv2d(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, int inChannels, int height, int width,
        int outChannels, int kh, int kw, Conv2dParams p, Span<float> dst)
    {
        ArgumentNullException.ThrowIfNull(p);
        int ho = (height + p.PadTop + p.PadBottom - kh) / p.Stride + 1;
        int wo = (width + p.PadLeft + p.PadRight - kw) / p.Stride + 1;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double acc = bias.IsEmpty ? 0 : bias[o];
                        for (int c = 0; c < inChannels; c++)
                        {
                            for (int u = 0; u < kh; u++)
                            {
                                int yy = i * p.Stride + u - p.PadTop;
                                if (yy < 0 || yy >= height)
                                {
                                    continue;
                                }
                                for (int v = 0; v < kw; v++)
                                {
                                    int xx = j * p.Stride + v - p.PadLeft;
                                    if (xx >= 0 && xx < width)
                                    {
                                        acc += (double)w[((o * inChannels + c) * kh + u) * kw + v] * x[((b * inChannels + c) * height + yy) * width + xx];
                                    }
                                }
                            }
                        }
                        dst[((b * outChannels + o) * ho + i) * wo + j] = (float)acc;
                    }
                }
            }
        }
    }

    /// <summary>Nearest ×2: y[p, i, j] = x[p, i/2, j/2] over <paramref name="planes"/> planes of H × W.</summary>
    public static void UpsampleNearest2x(ReadOnlySpan<float> x, int planes, int height, int width, Span<float> dst)
    {
        int w2 = width * 2;
        for (int pl = 0; pl < planes; pl++)
        {
            for (int i = 0; i < height * 2; i++)
            {
                for (int j = 0; j < w2; j++)
                {
                    dst[(pl * height * 2 + i) * w2 + j] = x[(pl * height + i / 2) * width + j / 2];
                }
            }
        }
    }
}
