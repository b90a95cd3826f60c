// diffusers @ d035dcd7 (v0.40.0): models/autoencoders/autoencoder_kl.py AutoencoderKL (encode → DiagonalGaussianDistribution
// mean; decode), models/autoencoders/vae.py Encoder/Decoder, models/resnet.py ResnetBlock2D, models/downsampling.py
// Downsample2D, models/upsampling.py Upsample2D, models/unets/unet_2d_blocks.py (DownEncoderBlock2D, UpDecoderBlock2D,
// UNetMidBlock2D), models/attention_processor.py (Attention, AttnProcessor2_0). Keys: "encoder.*", "decoder.*",
// optional "quant_conv.*"/"post_quant_conv.*" (absent in the FLUX VAE). Differences: only the posterior mean is
// computed (the "argmax" mode Kontext uses), no tiling/slicing, and the latent scaling lives in explicit helpers.
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>
/// diffusers <c>AutoencoderKL</c> as graph builders: <see cref="BuildEncodeMean"/> (posterior mean) and
/// <see cref="BuildDecode"/>, with the pipelines' latent normalisation z' = (z − shift)·scale and its inverse.
/// </summary>
public sealed class AutoencoderKl : IImageVae
{
    private readonly IWeightCatalog _weights;

    /// <summary>A VAE whose weights come from <paramref name="weights"/> (keys relative to its key prefix).</summary>
    public AutoencoderKl(AutoencoderKlConfig config, WeightStore weights)
        : this(config, new WeightStoreCatalog(weights ?? throw new ArgumentNullException(nameof(weights))))
    {
    }

    /// <summary>A VAE over any weight catalog (e.g. random weights in benchmarks).</summary>
    public AutoencoderKl(AutoencoderKlConfig config, IWeightCatalog weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        Config = config;
        _weights = weights;
    }

    /// <summary>The configuration.</summary>
    public AutoencoderKlConfig Config { get; }

    /// <summary>
    /// Build the mid-block attention as MatMul → Softmax → MatMul ([HW, HW] scores in memory: 1 GiB in f32 at 1024²) instead of
    /// the fused Attention op, whose CUDA kernel caps the head dim (≤ 256) below the VAE's 512 channels. Default false.
    /// </summary>
    public bool MatMulAttention { get; init; }

    /// <summary>This VAE with <see cref="MatMulAttention"/> set when <paramref name="backend"/>'s fused Attention cannot take head dim C in <paramref name="dtype"/>.</summary>
    public AutoencoderKl For(IBackend backend, DType dtype)
    {
        return new AutoencoderKl(Config, _weights) { MatMulAttention = VaeAttentionProbe.NeedsMatMul(backend, dtype, Config.BlockOutChannels[^1]) };
    }

    /// <inheritdoc/>
    public int LatentChannels => Config.LatentChannels;

    /// <inheritdoc/>
    public int DownsampleFactor => Config.DownsampleFactor;

    /// <inheritdoc/>
    public int InChannels => Config.InChannels;

    /// <inheritdoc/>
    public int OutChannels => Config.OutChannels;

    /// <summary>
    /// Encoder (+ quant_conv when configured): image [B, in, H, W] → moments [B, 2·latent, H/f, W/f], mean ‖ logvar
    /// (logvar unclamped; diffusers clamps it to [−30, 20] when it builds the distribution).
    /// </summary>
    /// <exception cref="ArgumentException">The image is not [B, in_channels, H, W] with H and W multiples of f.</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape.</exception>
    public Node BuildEncodeMoments(GraphBuilder g, Node image)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(image);
        int f = Config.DownsampleFactor;
        if (image.Shape.Rank != 4 || image.Shape[1] != Config.InChannels || image.Shape[2] % f != 0 || image.Shape[3] % f != 0
            || image.Shape[2] == 0 || image.Shape[3] == 0)
        {
            throw new ArgumentException($"image {image.Shape} must be [B, {Config.InChannels}, H, W] with H and W positive multiples of {f}", nameof(image));
        }
        var root = new WeightScope(g, _weights);
        var moments = VaeEncoder.Build(root, Config, image, MatMulAttention);                                    // [B, 2·latent, H/f, W/f]
        if (Config.UseQuantConv)
        {
            moments = VaeBlocks.Conv(root, "quant_conv", moments, 2 * Config.LatentChannels, 1, new Conv2dParams(1, 0));
        }
        return moments;
    }

    /// <summary>Posterior mean: the first <c>latent_channels</c> of the moments, [B, latent, H/f, W/f].</summary>
    /// <exception cref="ArgumentException">The image is not [B, in_channels, H, W] with H and W multiples of f.</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape.</exception>
    public Node BuildEncodeMean(GraphBuilder g, Node image)
    {
        var moments = BuildEncodeMoments(g, image);
        var mean = g.Slice(moments, 1, 0, Config.LatentChannels, "latent_dist.mean.view");      // [B, latent, H/f, W/f]
        return g.Contiguous(mean, "latent_dist.mean");
    }

    /// <summary>(post_quant_conv when configured +) decoder: latent [B, latent, h, w] → image [B, out, h·f, w·f] (unclamped, ≈[−1, 1]).</summary>
    /// <exception cref="ArgumentException">The latent is not [B, latent_channels, h, w].</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape.</exception>
    public Node BuildDecode(GraphBuilder g, Node latent)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Shape.Rank != 4 || latent.Shape[1] != Config.LatentChannels || latent.Shape[2] == 0 || latent.Shape[3] == 0)
        {
            throw new ArgumentException($"latent {latent.Shape} must be [B, {Config.LatentChannels}, h, w]", nameof(latent));
        }
        var root = new WeightScope(g, _weights);
        var z = latent;
        if (Config.UsePostQuantConv)
        {
            z = VaeBlocks.Conv(root, "post_quant_conv", z, Config.LatentChannels, 1, new Conv2dParams(1, 0)); // [B, latent, h, w]
        }
        return VaeDecoder.Build(root, Config, z, MatMulAttention);                                                // [B, out, h·f, w·f]
    }

    /// <summary>Transformer latent from a VAE mean: (mean − shift_factor)·scaling_factor (two f32 ops, as diffusers).</summary>
    public Node ToTransformerLatent(GraphBuilder g, Node mean)
    {
        ArgumentNullException.ThrowIfNull(g);
        var shifted = g.Scale(mean, 1f, -Shift, "vae_latent.shift");
        return g.Scale(shifted, Scaling, 0f, "vae_latent.scale");
    }

    /// <summary>VAE latent from a transformer latent: z/scaling_factor + shift_factor (as one multiply-add by 1/scaling).</summary>
    public Node FromTransformerLatent(GraphBuilder g, Node latent)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.Scale(latent, 1f / Scaling, Shift, "vae_latent.unscale");
    }

    /// <summary>Host form of <see cref="ToTransformerLatent(GraphBuilder, Node)"/>: F32 (mean − shift)·scale, rounded per op like torch.</summary>
    public HostTensor ToTransformerLatent(HostTensor mean)
    {
        ArgumentNullException.ThrowIfNull(mean);
        float[] v = mean.ToFloatArray();
        for (int i = 0; i < v.Length; i++)
        {
            float d = v[i] - Shift;
            v[i] = d * Scaling;
        }
        return HostTensor.FromFloats(mean.Shape, v);
    }

    /// <summary>Host form of <see cref="FromTransformerLatent(GraphBuilder, Node)"/>: F32 z/scale + shift, rounded per op like torch.</summary>
    public HostTensor FromTransformerLatent(HostTensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        float[] v = latent.ToFloatArray();
        for (int i = 0; i < v.Length; i++)
        {
            float d = v[i] / Scaling;
            v[i] = d + Shift;
        }
        return HostTensor.FromFloats(latent.Shape, v);
    }

    private float Scaling => (float)Config.ScalingFactor;

    private float Shift => (float)(Config.ShiftFactor ?? 0.0);
}
