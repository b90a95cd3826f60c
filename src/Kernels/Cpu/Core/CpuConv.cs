using Locus.Engine.Graph;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Conv2d as tiled im2col + the packed, threaded SGEMM (<see cref="Sgemm"/>), and nearest ×2 upsampling.</summary>
internal static unsafe class CpuConv
{
    /// <summary>Largest im2col tile in floats (16 MiB): the VAE's 1024² convolutions never materialise the full K × H·W matrix.</summary>
    /// Tests lower it to exercise several tiles on small images.
    internal static int MaxColumnFloats { get; set; } = 1 << 22;

    /// <summary>y [B, Co, Ho, Wo] = conv(x [B, Ci, H, W], w [Co, Ci·kh·kw]) + bias (bias may be null).</summary>
    public static void Conv2d(float* x, float* w, float* bias, int batch, int ci, int h, int wd, int co, int kh, int kw, Conv2dParams p, float* y)
    {
        int ho = (h + p.PadTop + p.PadBottom - kh) / p.Stride + 1;
        int wo = (wd + p.PadLeft + p.PadRight - kw) / p.Stride + 1;
        int pixels = checked(ho * wo), k = checked(ci * kh * kw);
        bool direct = kh == 1 && kw == 1 && p.Stride == 1 && p.PadTop == 0 && p.PadLeft == 0 && p.PadBottom == 0 && p.PadRight == 0;
        var weights = new ReadOnlySpan<float>(w, checked(co * k));
        int tile = Math.Max(1, Math.Min(Math.Max(MaxColumnFloats / Math.Max(k, 1), 1), pixels));
        float[]? col = direct ? null : GC.AllocateUninitializedArray<float>(checked(k * tile), pinned: true);
        for (int b = 0; b < batch; b++)
        {
            float* yb = y + (long)b * co * pixels;
            float beta = 0f;
            if (bias != null)
            {
                FillRows(yb, bias, co, pixels);
                beta = 1f;
            }
            if (direct)
            {
                var xb = new ReadOnlySpan<float>(x + (long)b * ci * pixels, checked(ci * pixels));
                Sgemm.Multiply(co, pixels, k, weights, k, xb, pixels, false, new Span<float>(yb, checked(co * pixels)), pixels, beta);
                continue;
            }
            float* xb0 = x + (long)b * ci * h * wd;
            float* c = CpuTensors.Address(col!);
            for (int p0 = 0; p0 < pixels; p0 += tile)
            {
                int n = Math.Min(tile, pixels - p0);
                nint px = (nint)xb0, pc = (nint)c;
                CpuParallel.For(k, Math.Max(1, (1 << 14) / n), (r0, r1) =>
                {
                    for (long r = r0; r < r1; r++)
                    {
                        Im2ColRow((float*)px, h, wd, kh, kw, p, wo, p0, n, (int)r, (float*)pc + r * n);
                    }
                });
                var cTile = new Span<float>(yb + p0, checked((co - 1) * pixels + n));
                Sgemm.Multiply(co, n, k, weights, k, new ReadOnlySpan<float>(c, checked(k * n)), n, false, cTile, pixels, beta);
            }
        }
        GC.KeepAlive(col);
    }

    /// <summary>Row r = (c·kh + u)·kw + v of the im2col tile: dst[t] = x[c, i·s + u − padTop, j·s + v − padLeft] for pixels p0 + t = i·wo + j (0 outside).</summary>
    private static void Im2ColRow(float* x, int h, int wd, int kh, int kw, Conv2dParams p, int wo, int p0, int n, int row, float* dst)
    {
        int c = row / (kh * kw), u = row / kw % kh, v = row % kw;
        float* xc = x + (long)c * h * wd;
        int i = p0 / wo, j = p0 % wo;
        for (int t = 0; t < n; i++, j = 0)
        {
            int run = Math.Min(wo - j, n - t);
            int yy = i * p.Stride + u - p.PadTop;
            if ((uint)yy >= (uint)h)
            {
                new Span<float>(dst + t, run).Clear();
            }
            else
            {
                float* xr = xc + (long)yy * wd;
                for (int q = 0; q < run; q++)
                {
                    int xx = (j + q) * p.Stride + v - p.PadLeft;
                    dst[t + q] = (uint)xx < (uint)wd ? xr[xx] : 0f;
                }
            }
            t += run;
        }
    }

    /// <summary>y[o, :] = bias[o] for rows × cols.</summary>
    private static void FillRows(float* y, float* bias, int rows, int cols)
    {
        nint py = (nint)y, pb = (nint)bias;
        CpuParallel.For(rows, Math.Max(1, (1 << 16) / Math.Max(cols, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                new Span<float>((float*)py + r * cols, cols).Fill(((float*)pb)[r]);
            }
        });
    }

    /// <summary>y[p, i, j] = x[p, i/2, j/2] for planes × H × W.</summary>
    public static void UpsampleNearest2x(float* x, long planes, int h, int w, float* y)
    {
        nint px = (nint)x, py = (nint)y;
        CpuParallel.For(planes * h, Math.Max(1, (1 << 14) / Math.Max(w, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                float* src = (float*)px + r * w;
                float* d0 = (float*)py + r * 4 * w; // input row r → output rows 2r, 2r+1 (of width 2w)
                for (int j = 0; j < w; j++)
                {
                    d0[2 * j] = d0[2 * j + 1] = src[j];
                }
                new ReadOnlySpan<float>(d0, 2 * w).CopyTo(new Span<float>(d0 + 2 * w, 2 * w));
            }
        });
    }
}
