using System.Runtime.Intrinsics;
using Locus.Engine.Graph;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Conv2d as tiled im2col + a register-tiled GEMM (4 output channels × 16 pixels), and nearest ×2 upsampling.</summary>
internal static unsafe class CpuConv
{
    private const int Tile = 256;

    /// <summary>y [B, Co, Ho, Wo] = conv(x [B, Ci, H, W], w [Co, Ci·kh·kw]) + bias (bias may be null).</summary>
    public static void Conv2d(float* x, float* w, float* bias, int batch, int ci, int h, int wd, int co, int kh, int kw, Conv2dParams p, float* y)
    {
        int ho = (h + p.PadTop + p.PadBottom - kh) / p.Stride + 1;
        int wo = (wd + p.PadLeft + p.PadRight - kw) / p.Stride + 1;
        int pixels = ho * wo, k = ci * kh * kw;
        bool direct = kh == 1 && kw == 1 && p.Stride == 1 && p.PadTop == 0 && p.PadLeft == 0 && p.PadBottom == 0 && p.PadRight == 0;
        int tiles = (pixels + Tile - 1) / Tile;
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        CpuParallel.For((long)batch * tiles, 1, (t0, t1) =>
        {
            float[]? col = direct ? null : GC.AllocateUninitializedArray<float>(k * Tile, pinned: true);
            for (long bt = t0; bt < t1; bt++)
            {
                int b = (int)(bt / tiles), p0 = (int)(bt % tiles) * Tile, n = Math.Min(Tile, pixels - p0);
                float* xb = (float*)px + (long)b * ci * h * wd;
                float* yb = (float*)py + (long)b * co * pixels + p0;
                if (direct)
                {
                    Gemm((float*)pw, xb + p0, h * wd, (float*)pb, co, k, n, yb, pixels);
                }
                else
                {
                    float* c = CpuTensors.Address(col!);
                    Im2Col(xb, ci, h, wd, kh, kw, p, wo, p0, n, c);
                    Gemm((float*)pw, c, n, (float*)pb, co, k, n, yb, pixels);
                }
            }
            GC.KeepAlive(col);
        });
    }

    /// <summary>col[(c·kh + u)·kw + v][t] = x[c, i·s + u − padTop, j·s + v − padLeft] for output pixels p0 + t = i·wo + j (0 outside).</summary>
    private static void Im2Col(float* x, int ci, int h, int wd, int kh, int kw, Conv2dParams p, int wo, int p0, int n, float* col)
    {
        for (int c = 0; c < ci; c++)
        {
            for (int u = 0; u < kh; u++)
            {
                for (int v = 0; v < kw; v++)
                {
                    float* dst = col + (long)((c * kh + u) * kw + v) * n;
                    for (int t = 0; t < n; t++)
                    {
                        int i = (p0 + t) / wo, j = (p0 + t) % wo;
                        int yy = i * p.Stride + u - p.PadTop, xx = j * p.Stride + v - p.PadLeft;
                        dst[t] = yy >= 0 && yy < h && xx >= 0 && xx < wd ? x[((long)c * h + yy) * wd + xx] : 0f;
                    }
                }
            }
        }
    }

    /// <summary>y[o, t] (row stride ldy) = bias[o] + Σₖ w[o, k]·col[k, t] (row stride ldc) for t &lt; n.</summary>
    private static void Gemm(float* w, float* col, int ldc, float* bias, int co, int k, int n, float* y, int ldy)
    {
        int o = 0;
        for (; o + 4 <= co; o += 4)
        {
            int t = 0;
            for (; t + 16 <= n; t += 16)
            {
                Block4x16(w + (long)o * k, col + t, ldc, bias == null ? null : bias + o, k, y + (long)o * ldy + t, ldy);
            }
            for (int r = 0; r < 4; r++)
            {
                Scalar(w + (long)(o + r) * k, col, ldc, bias == null ? 0f : bias[o + r], k, t, n, y + (long)(o + r) * ldy);
            }
        }
        for (; o < co; o++)
        {
            Scalar(w + (long)o * k, col, ldc, bias == null ? 0f : bias[o], k, 0, n, y + (long)o * ldy);
        }
    }

    private static void Block4x16(float* w, float* col, int ldc, float* bias, int k, float* y, int ldy)
    {
        Vector256<float> a0 = Vector256.Create(bias == null ? 0f : bias[0]), a1 = Vector256.Create(bias == null ? 0f : bias[1]);
        Vector256<float> a2 = Vector256.Create(bias == null ? 0f : bias[2]), a3 = Vector256.Create(bias == null ? 0f : bias[3]);
        Vector256<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        for (int kk = 0; kk < k; kk++)
        {
            float* c = col + (long)kk * ldc;
            var c0 = Vector256.Load(c);
            var c1 = Vector256.Load(c + 8);
            var w0 = Vector256.Create(w[kk]);
            var w1 = Vector256.Create(w[k + kk]);
            var w2 = Vector256.Create(w[2 * k + kk]);
            var w3 = Vector256.Create(w[3 * k + kk]);
            a0 = Vector256.FusedMultiplyAdd(w0, c0, a0);
            b0 = Vector256.FusedMultiplyAdd(w0, c1, b0);
            a1 = Vector256.FusedMultiplyAdd(w1, c0, a1);
            b1 = Vector256.FusedMultiplyAdd(w1, c1, b1);
            a2 = Vector256.FusedMultiplyAdd(w2, c0, a2);
            b2 = Vector256.FusedMultiplyAdd(w2, c1, b2);
            a3 = Vector256.FusedMultiplyAdd(w3, c0, a3);
            b3 = Vector256.FusedMultiplyAdd(w3, c1, b3);
        }
        a0.Store(y);
        b0.Store(y + 8);
        a1.Store(y + ldy);
        b1.Store(y + ldy + 8);
        a2.Store(y + 2L * ldy);
        b2.Store(y + 2L * ldy + 8);
        a3.Store(y + 3L * ldy);
        b3.Store(y + 3L * ldy + 8);
    }

    private static void Scalar(float* w, float* col, int ldc, float bias, int k, int t0, int n, float* y)
    {
        for (int t = t0; t < n; t++)
        {
            float acc = bias;
            for (int kk = 0; kk < k; kk++)
            {
                acc = MathF.FusedMultiplyAdd(w[kk], col[(long)kk * ldc + t], acc);
            }
            y[t] = acc;
        }
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
