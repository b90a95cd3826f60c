// diffusers src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py @ 071190da (AutoencoderKLQwenImage: _encode →
// quant_conv → DiagonalGaussianDistribution mean; _decode: post_quant_conv → decoder → clamp(−1, 1)) on a single frame
// (T = 1), plus the latent normalisation of pipelines/qwenimage/pipeline_qwenimage_edit.py (encode:
// (mean − latents_mean)/latents_std; decode: z/(1/latents_std) + latents_mean). Keys: "encoder.*", "decoder.*",
// "quant_conv.*", "post_quant_conv.*". Differences: only the posterior mean is computed, no tiling/slicing, no video
// (feat_cache) path; 5-D weights are read at their last temporal tap through QwenImageVaeWeights.
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>
/// diffusers <c>AutoencoderKLQwenImage</c> (the Qwen-Image / Qwen-Image-Edit VAE) for single images as graph builders.
/// Build it over a <see cref="QwenImageVaeWeights"/> (which reduces the 5-D Conv3d weights to T = 1) and pass the same
/// object to the executor as its weight provider; random-weight catalogs work too.
/// </summary>
public sealed class QwenImageVae : IImageVae
{
    private readonly IWeightCatalog _weights;

    /// <summary>A VAE whose weights come from <paramref name="weights"/> (5-D conv weights seen as their T = 1 view).</summary>
    /// <exception cref="LocusException">The config is invalid (<see cref="QwenImageVaeConfig.Validate"/>).</exception>
    public QwenImageVae(QwenImageVaeConfig config, IWeightCatalog weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        config.Validate("QwenImageVae config");
        Config = config;
        _weights = weights;
    }

    /// <summary>The configuration.</summary>
    public QwenImageVaeConfig Config { get; }

    /// <summary>
    /// Builds the single-head attention (head dim C = 384 in the real VAE) as MatMul → Softmax → MatMul, holding the
    /// [HW, HW] scores (1 GiB in f32 for a 1024² image), instead of the fused Attention op. Needed on backends whose fused
    /// kernel caps the head dim (CUDA: ≤ 256). Default false (the CPU's fused kernel takes any head dim in O(HW·C) memory).
    /// </summary>
    public bool MatMulAttention { get; init; }

    /// <summary>
    /// This VAE with <see cref="MatMulAttention"/> set for <paramref name="backend"/>: the fused Attention op when the
    /// backend supports it at head dim C (the mid block's channels) in <paramref name="dtype"/>, else MatMul attention.
    /// </summary>
    public QwenImageVae For(IBackend backend, DType dtype)
    {
        return new QwenImageVae(Config, _weights) { MatMulAttention = VaeAttentionProbe.NeedsMatMul(backend, dtype, Config.BaseDim * Config.DimMult[^1]) };
    }

    /// <inheritdoc/>
    public int LatentChannels => Config.ZDim;

    /// <inheritdoc/>
    public int DownsampleFactor => Config.DownsampleFactor;

    /// <inheritdoc/>
    public int InChannels => Config.InputChannels;

    /// <inheritdoc/>
    public int OutChannels => Config.InputChannels;

    /// <summary>Encoder + quant_conv: image [B, in, H, W] → moments [B, 2·z, H/f, W/f] (mean ‖ logvar, logvar unclamped).</summary>
    /// <exception cref="ArgumentException">The image is not [B, input_channels, H, W] with H and W positive multiples of f.</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape (the message names the tensor).</exception>
    public Node BuildEncodeMoments(GraphBuilder g, Node image)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(image);
        int f = DownsampleFactor;
        var s = image.Shape;
        if (s.Rank != 4 || s[1] != InChannels || s[2] == 0 || s[3] == 0 || s[2] % f != 0 || s[3] % f != 0)
        {
            throw new ArgumentException($"image {s} must be [B, {InChannels}, H, W] with H and W positive multiples of {f}", nameof(image));
        }
        var root = new WeightScope(g, _weights);
        var h = QwenImageVaeEncoder.Build(root, Config, image, MatMulAttention);                                  // [B, 2·z, H/f, W/f]
        return QwenImageVaeBlocks.CausalConv(root, "quant_conv", h, 2 * Config.ZDim, 1);         // [B, 2·z, H/f, W/f]
    }

    /// <inheritdoc/>
    public Node BuildEncodeMean(GraphBuilder g, Node image)
    {
        var moments = BuildEncodeMoments(g, image);                                              // [B, 2·z, h, w]
        var mean = g.Slice(moments, 1, 0, Config.ZDim, "latent_dist.mean.view");                 // [B, z, h, w]
        return g.Contiguous(mean, "latent_dist.mean");
    }

    /// <summary>post_quant_conv + decoder + clamp(−1, 1): latent [B, z, h, w] → image [B, in, h·f, w·f].</summary>
    /// <exception cref="ArgumentException">The latent is not [B, z_dim, h, w].</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape.</exception>
    public Node BuildDecode(GraphBuilder g, Node latent) => BuildDecode(g, latent, clamp: true);

    /// <summary><see cref="BuildDecode(GraphBuilder, Node)"/>, optionally without the final clamp.</summary>
    /// <exception cref="ArgumentException">The latent is not [B, z_dim, h, w].</exception>
    /// <exception cref="WeightLoadException">A weight is missing or has another shape.</exception>
    public Node BuildDecode(GraphBuilder g, Node latent, bool clamp)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(latent);
        var s = latent.Shape;
        if (s.Rank != 4 || s[1] != LatentChannels || s[2] == 0 || s[3] == 0)
        {
            throw new ArgumentException($"latent {s} must be [B, {LatentChannels}, h, w]", nameof(latent));
        }
        var root = new WeightScope(g, _weights);
        var z = QwenImageVaeBlocks.CausalConv(root, "post_quant_conv", latent, LatentChannels, 1); // [B, z, h, w]
        var image = QwenImageVaeDecoder.Build(root, Config, z, MatMulAttention);                                   // [B, in, h·f, w·f]
        return clamp ? Clamp(g, image, "decoded") : image;
    }

    /// <summary>Transformer latent (mean − latents_mean[c])/latents_std[c] per channel (two f32 ops per channel, as torch).</summary>
    public Node ToTransformerLatent(GraphBuilder g, Node mean)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(mean);
        return PerChannel(g, mean, "vae_latent.normalize", (x, c, name) =>
        {
            var shifted = g.Scale(x, 1f, -(float)Config.LatentsMean[c], name + ".shift");
            return g.Scale(shifted, 1f / (float)Config.LatentsStd[c], 0f, name + ".scale");
        });
    }

    /// <summary>VAE latent z·latents_std[c] + latents_mean[c] per channel (one multiply-add; torch divides by 1/std).</summary>
    public Node FromTransformerLatent(GraphBuilder g, Node latent)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(latent);
        return PerChannel(g, latent, "vae_latent.denormalize",
            (x, c, name) => g.Scale(x, (float)Config.LatentsStd[c], (float)Config.LatentsMean[c], name));
    }

    /// <summary>
    /// Checks the whole checkpoint against the model before any graph is run: every tensor the encoder and decoder need
    /// exists with its shape, and every checkpoint tensor is declared by the model (time_conv included).
    /// </summary>
    /// <exception cref="WeightLoadException">A missing or mis-shaped tensor (named), or tensors the model does not use (listed).</exception>
    public void CheckCheckpoint()
    {
        var g = new GraphBuilder();
        int f = DownsampleFactor;
        BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, InChannels, f, f)));
        BuildDecode(g, g.Input("latent", DType.F32, new Shape(1, LatentChannels, 1, 1)));
        if (_weights is ISyntheticWeightCatalog)
        {
            return;
        }
        var unused = _weights.Keys.Where(k => !g.Weights.ContainsKey(k)).ToArray();
        if (unused.Length > 0)
        {
            string more = unused.Length > 20 ? $", … ({unused.Length - 20} more)" : "";
            throw new WeightLoadException($"{_weights.Source}: {unused.Length} tensor(s) not used by the Qwen-Image VAE: {string.Join(", ", unused.Take(20).Select(k => $"'{k}'"))}{more}");
        }
    }

    /// <summary>clamp(x, −1, 1) from existing ops: hi = [x ≥ 1], lo = [−x ≥ 1]; y = x·(1 − hi) + hi; y = y·(1 − lo) − lo (exact for finite x).</summary>
    internal static Node Clamp(GraphBuilder g, Node x, string name)
    {
        var hi = g.Threshold(x, 1f, name + ".clamp.hi");
        var y = g.Add(g.Mul(x, g.Scale(hi, -1f, 1f, name + ".clamp.keep_hi"), name + ".clamp.mul_hi"), hi, name + ".clamp.max");
        var lo = g.Threshold(g.Scale(y, -1f, 0f, name + ".clamp.neg"), 1f, name + ".clamp.lo");
        var kept = g.Mul(y, g.Scale(lo, -1f, 1f, name + ".clamp.keep_lo"), name + ".clamp.mul_lo");
        return g.Sub(kept, lo, name);
    }

    private Node PerChannel(GraphBuilder g, Node x, string name, Func<Node, int, string, Node> op)
    {
        var s = x.Shape;
        if (s.Rank != 4 || s[1] != LatentChannels)
        {
            throw new ArgumentException($"latent '{x.Name}' {s} must be [B, {LatentChannels}, h, w]", nameof(x));
        }
        var parts = new Node[LatentChannels];
        for (int c = 0; c < parts.Length; c++)
        {
            var channel = g.Slice(x, 1, c, 1, $"{name}.{c}.view");                               // [B, 1, h, w] view
            parts[c] = op(channel, c, $"{name}.{c}");                                           // [B, 1, h, w]
        }
        return g.Concat(parts, 1, name);                                                        // [B, z, h, w]
    }
}
