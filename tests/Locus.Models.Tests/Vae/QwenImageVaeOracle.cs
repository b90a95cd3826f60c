using Locus.Engine.Tensors;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>
/// Float64 host oracle of diffusers AutoencoderKLQwenImage (autoencoder_kl_qwenimage.py @ 071190da) written in its 3-D
/// form from the module structure: causal Conv3d with time padding (2p, 0) applied with the FULL 5-D weights over a clip
/// [C, T, H, W], F.normalize RMS norm (eps 1e-12), per-frame single-head attention, resample modules with their
/// first-chunk feat_cache behaviour (downsample3d only caches, upsample3d only records "Rep": time_conv is not applied to
/// chunk 0, which is all of a T = 1 clip). Independent of the engine: no graph, no T = 1 weight slicing.
/// </summary>
internal sealed class QwenImageVaeOracle(QwenImageVaeConfig config, IReadOnlyDictionary<string, HostTensor> weights)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>A clip [C, T, H, W] of doubles.</summary>
    public sealed record Clip(int C, int T, int H, int W, double[] D)
    {
        public static Clip Zeros(int c, int t, int h, int w) => new(c, t, h, w, new double[c * t * h * w]);

        public ref double At(int c, int t, int y, int x) => ref D[(((c * T) + t) * H + y) * W + x];
    }

    /// <summary>Checkpoint keys read so far.</summary>
    public IReadOnlyCollection<string> Used => _used;

    /// <summary>AutoencoderKLQwenImage.encode(x).latent_dist.mean for an image [C, H, W] as a T = 1 clip → [z, 1, h, w].</summary>
    public Clip EncodeMean(Clip image)
    {
        var x = Conv3d("encoder.conv_in", image, config.BaseDim, 3);
        int[] dims = [config.BaseDim, .. config.DimMult.Select(m => config.BaseDim * m)];
        int index = 0;
        double scale = 1.0;
        for (int i = 0; i < config.DimMult.Count; i++)
        {
            for (int r = 0; r < config.NumResBlocks; r++)
            {
                x = Residual($"encoder.down_blocks.{index++}", x, dims[i + 1]);
                if (config.AttnScales.Contains(scale))
                {
                    x = Attention($"encoder.down_blocks.{index++}", x);
                }
            }
            if (i != config.DimMult.Count - 1)
            {
                x = Resample($"encoder.down_blocks.{index++}", x, config.TemperalDownsample[i] ? "downsample3d" : "downsample2d");
                scale /= 2.0;
            }
        }
        x = Mid("encoder.mid_block", x);
        x = Silu(RmsNorm("encoder.norm_out", x, 4));
        x = Conv3d("encoder.conv_out", x, 2 * config.ZDim, 3);
        var moments = Conv3d("quant_conv", x, 2 * config.ZDim, 1);
        var mean = Clip.Zeros(config.ZDim, moments.T, moments.H, moments.W);
        Array.Copy(moments.D, mean.D, mean.D.Length); // channels first: the first z channels are the mean
        return mean;
    }

    /// <summary>AutoencoderKLQwenImage.decode(z).sample for a latent clip [z, 1, h, w]; clamped to [−1, 1] when asked.</summary>
    public Clip Decode(Clip z, bool clamp)
    {
        var x = Conv3d("post_quant_conv", z, config.ZDim, 1);
        int top = config.BaseDim * config.DimMult[^1];
        int[] dims = [top, .. config.DimMult.Reverse().Select(m => config.BaseDim * m)];
        bool[] temperalUpsample = config.TemperalDownsample.Reverse().ToArray();
        x = Conv3d("decoder.conv_in", x, dims[0], 3);
        x = Mid("decoder.mid_block", x);
        for (int i = 0; i < config.DimMult.Count; i++)
        {
            for (int r = 0; r < config.NumResBlocks + 1; r++)
            {
                x = Residual($"decoder.up_blocks.{i}.resnets.{r}", x, dims[i + 1]);
            }
            if (i != config.DimMult.Count - 1)
            {
                x = Resample($"decoder.up_blocks.{i}.upsamplers.0", x, temperalUpsample[i] ? "upsample3d" : "upsample2d");
            }
        }
        x = Silu(RmsNorm("decoder.norm_out", x, 4));
        x = Conv3d("decoder.conv_out", x, config.InputChannels, 3);
        if (clamp)
        {
            for (int i = 0; i < x.D.Length; i++)
            {
                x.D[i] = Math.Clamp(x.D[i], -1.0, 1.0);
            }
        }
        return x;
    }

    private Clip Residual(string p, Clip x, int outDim)
    {
        var h = x.C != outDim ? Conv3d(p + ".conv_shortcut", x, outDim, 1) : x;
        var y = Silu(RmsNorm(p + ".norm1", x, 4));
        y = Conv3d(p + ".conv1", y, outDim, 3);
        y = Silu(RmsNorm(p + ".norm2", y, 4));
        y = Conv3d(p + ".conv2", y, outDim, 3);
        return Add(y, h);
    }

    private Clip Mid(string p, Clip x)
    {
        x = Residual(p + ".resnets.0", x, x.C);
        x = Attention(p + ".attentions.0", x);
        return Residual(p + ".resnets.1", x, x.C);
    }

    private Clip Attention(string p, Clip x)
    {
        int c = x.C, n = x.H * x.W;
        var normed = RmsNorm(p + ".norm", x, 3);
        var wqkv = Get(p + ".to_qkv.weight", 3 * c, c, 1, 1);
        var bqkv = Get(p + ".to_qkv.bias", 3 * c);
        var wp = Get(p + ".proj.weight", c, c, 1, 1);
        var bp = Get(p + ".proj.bias", c);
        var result = Clip.Zeros(c, x.T, x.H, x.W);
        for (int t = 0; t < x.T; t++)
        {
            // qkv [3C, N] for this frame (1×1 conv), then q | k | v = channel chunks.
            var qkv = new double[3 * c, n];
            for (int o = 0; o < 3 * c; o++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = bqkv[o];
                    for (int i = 0; i < c; i++)
                    {
                        s += wqkv[(o * c) + i] * normed.At(i, t, j / x.W, j % x.W);
                    }
                    qkv[o, j] = s;
                }
            }
            var attn = new double[n, c];
            double scale = 1.0 / Math.Sqrt(c);
            var logits = new double[n];
            for (int a = 0; a < n; a++)
            {
                double max = double.NegativeInfinity;
                for (int b = 0; b < n; b++)
                {
                    double s = 0;
                    for (int i = 0; i < c; i++)
                    {
                        s += qkv[i, a] * qkv[c + i, b];
                    }
                    logits[b] = s * scale;
                    max = Math.Max(max, logits[b]);
                }
                double sum = 0;
                for (int b = 0; b < n; b++)
                {
                    logits[b] = Math.Exp(logits[b] - max);
                    sum += logits[b];
                }
                for (int i = 0; i < c; i++)
                {
                    double s = 0;
                    for (int b = 0; b < n; b++)
                    {
                        s += logits[b] * qkv[(2 * c) + i, b];
                    }
                    attn[a, i] = s / sum;
                }
            }
            for (int o = 0; o < c; o++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = bp[o];
                    for (int i = 0; i < c; i++)
                    {
                        s += wp[(o * c) + i] * attn[j, i];
                    }
                    result.At(o, t, j / x.W, j % x.W) = s + x.At(o, t, j / x.W, j % x.W);
                }
            }
        }
        return result;
    }

    private Clip Resample(string p, Clip x, string mode)
    {
        int c = x.C;
        if (mode is "downsample3d" or "upsample3d")
        {
            // Declared by the module; chunk 0 never applies it (feat_cache[idx] is None → cache / "Rep").
            int outDim = mode == "upsample3d" ? 2 * c : c;
            Get(p + ".time_conv.weight", outDim, c, 3, 1, 1);
            Get(p + ".time_conv.bias", outDim);
        }
        if (mode.StartsWith("down", StringComparison.Ordinal))
        {
            // nn.ZeroPad2d((0, 1, 0, 1)) then Conv2d(c, c, 3, stride 2).
            return Conv2dFrames(p + ".resample.1", x, c, stride: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1);
        }
        var up = Clip.Zeros(c, x.T, 2 * x.H, 2 * x.W);
        for (int i = 0; i < c; i++)
        {
            for (int t = 0; t < x.T; t++)
            {
                for (int y = 0; y < up.H; y++)
                {
                    for (int xx = 0; xx < up.W; xx++)
                    {
                        // nearest-exact: src = floor((dst + 0.5)·in/out)
                        int sy = (int)Math.Floor((y + 0.5) * x.H / up.H), sx = (int)Math.Floor((xx + 0.5) * x.W / up.W);
                        up.At(i, t, y, xx) = x.At(i, t, sy, sx);
                    }
                }
            }
        }
        return Conv2dFrames(p + ".resample.1", up, c / 2, stride: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
    }

    // QwenImageRMS_norm: F.normalize(x, dim=channels) · √C · γ (bias 0).
    private Clip RmsNorm(string p, Clip x, int gammaRank)
    {
        var gamma = gammaRank == 4 ? Get(p + ".gamma", x.C, 1, 1, 1) : Get(p + ".gamma", x.C, 1, 1);
        var y = Clip.Zeros(x.C, x.T, x.H, x.W);
        for (int t = 0; t < x.T; t++)
        {
            for (int h = 0; h < x.H; h++)
            {
                for (int w = 0; w < x.W; w++)
                {
                    double ss = 0;
                    for (int c = 0; c < x.C; c++)
                    {
                        ss += x.At(c, t, h, w) * x.At(c, t, h, w);
                    }
                    double denom = Math.Max(Math.Sqrt(ss), 1e-12);
                    for (int c = 0; c < x.C; c++)
                    {
                        y.At(c, t, h, w) = x.At(c, t, h, w) / denom * Math.Sqrt(x.C) * gamma[c];
                    }
                }
            }
        }
        return y;
    }

    // QwenImageCausalConv3d(in, out, k, padding k/2): F.pad time (2p front, 0 back), space p; then Conv3d with all kt taps.
    private Clip Conv3d(string p, Clip x, int outDim, int k)
    {
        var w = Get(p + ".weight", outDim, x.C, k, k, k);
        var b = Get(p + ".bias", outDim);
        int pad = k / 2, padT = 2 * pad;
        var y = Clip.Zeros(outDim, x.T + padT - k + 1, x.H + (2 * pad) - k + 1, x.W + (2 * pad) - k + 1);
        for (int o = 0; o < outDim; o++)
        {
            for (int t = 0; t < y.T; t++)
            {
                for (int h = 0; h < y.H; h++)
                {
                    for (int ww = 0; ww < y.W; ww++)
                    {
                        double s = b[o];
                        for (int i = 0; i < x.C; i++)
                        {
                            for (int a = 0; a < k; a++)
                            {
                                int tt = t + a - padT;
                                if (tt < 0 || tt >= x.T)
                                {
                                    continue; // the causal zero padding
                                }
                                for (int u = 0; u < k; u++)
                                {
                                    int hh = h + u - pad;
                                    if (hh < 0 || hh >= x.H)
                                    {
                                        continue;
                                    }
                                    for (int v = 0; v < k; v++)
                                    {
                                        int xx = ww + v - pad;
                                        if (xx >= 0 && xx < x.W)
                                        {
                                            s += w[((((o * x.C) + i) * k + a) * k + u) * k + v] * x.At(i, tt, hh, xx);
                                        }
                                    }
                                }
                            }
                        }
                        y.At(o, t, h, ww) = s;
                    }
                }
            }
        }
        return y;
    }

    // nn.Conv2d applied to every frame (the resample modules fold T into the batch).
    private Clip Conv2dFrames(string p, Clip x, int outDim, int stride, int padTop, int padLeft, int padBottom, int padRight)
    {
        var w = Get(p + ".weight", outDim, x.C, 3, 3);
        var b = Get(p + ".bias", outDim);
        int ho = ((x.H + padTop + padBottom - 3) / stride) + 1, wo = ((x.W + padLeft + padRight - 3) / stride) + 1;
        var y = Clip.Zeros(outDim, x.T, ho, wo);
        for (int o = 0; o < outDim; o++)
        {
            for (int t = 0; t < x.T; t++)
            {
                for (int h = 0; h < ho; h++)
                {
                    for (int ww = 0; ww < wo; ww++)
                    {
                        double s = b[o];
                        for (int i = 0; i < x.C; i++)
                        {
                            for (int u = 0; u < 3; u++)
                            {
                                for (int v = 0; v < 3; v++)
                                {
                                    int hh = (h * stride) + u - padTop, xx = (ww * stride) + v - padLeft;
                                    if (hh >= 0 && hh < x.H && xx >= 0 && xx < x.W)
                                    {
                                        s += w[(((o * x.C) + i) * 3 + u) * 3 + v] * x.At(i, t, hh, xx);
                                    }
                                }
                            }
                        }
                        y.At(o, t, h, ww) = s;
                    }
                }
            }
        }
        return y;
    }

    private static Clip Silu(Clip x) => x with { D = x.D.Select(v => v / (1 + Math.Exp(-v))).ToArray() };

    private static Clip Add(Clip a, Clip b) => a with { D = a.D.Zip(b.D, (u, v) => u + v).ToArray() };

    private double[] Get(string key, params int[] shape)
    {
        Assert.True(weights.TryGetValue(key, out var t), $"oracle: checkpoint lacks '{key}'");
        Assert.True(t!.Shape == new Shape(shape), $"oracle: '{key}' is {t.Shape}, diffusers' module has {new Shape(shape)}");
        _used.Add(key);
        return t.ToFloatArray().Select(v => (double)v).ToArray();
    }
}
