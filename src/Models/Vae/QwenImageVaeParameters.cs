// The state_dict of diffusers AutoencoderKLQwenImage @ 071190da (autoencoder_kl_qwenimage.py) for a config: every key
// with its stored shape, 5-D Conv3d weights ([O, I, 3, 3, 3] / [O, I, 1, 1, 1]) and the time_conv tensors included, in
// module order (encoder, quant_conv, post_quant_conv, decoder). Used to write random-weight checkpoints and in tests.
using Locus.Engine.Tensors;

namespace Locus.Models.Vae;

/// <summary>Parameter names and stored shapes of an <see cref="QwenImageVae"/> checkpoint for a given config.</summary>
public static class QwenImageVaeParameters
{
    /// <summary>Every tensor of the diffusers state_dict (194 tensors / 126,892,531 values for <see cref="QwenImageVaeConfig.QwenImage"/>).</summary>
    public static IReadOnlyList<KeyValuePair<string, Shape>> Shapes(QwenImageVaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<KeyValuePair<string, Shape>>();
        int[] dims = config.EncoderDims;
        int levels = config.DimMult.Count;

        Conv3d(list, "encoder.conv_in", config.InputChannels, dims[0], 3);
        int index = 0;
        double scale = 1.0;
        for (int i = 0; i < levels; i++)
        {
            int inDim = dims[i], outDim = dims[i + 1];
            for (int r = 0; r < config.NumResBlocks; r++)
            {
                Residual(list, $"encoder.down_blocks.{index++}", inDim, outDim);
                if (config.AttnScales.Contains(scale))
                {
                    Attention(list, $"encoder.down_blocks.{index++}", outDim);
                }
                inDim = outDim;
            }
            if (i != levels - 1)
            {
                Resample(list, $"encoder.down_blocks.{index++}", outDim, up: false, temporal: config.TemperalDownsample[i]);
                scale /= 2.0;
            }
        }
        Mid(list, "encoder.mid_block", dims[^1]);
        Gamma(list, "encoder.norm_out", dims[^1], 4);
        Conv3d(list, "encoder.conv_out", dims[^1], 2 * config.ZDim, 3);
        Conv3d(list, "quant_conv", 2 * config.ZDim, 2 * config.ZDim, 1);
        Conv3d(list, "post_quant_conv", config.ZDim, config.ZDim, 1);

        int[] up = config.DecoderDims;
        Conv3d(list, "decoder.conv_in", config.ZDim, up[0], 3);
        Mid(list, "decoder.mid_block", up[0]);
        for (int i = 0; i < levels; i++)
        {
            int inDim = i > 0 ? up[i] / 2 : up[i], outDim = up[i + 1];
            for (int r = 0; r < config.NumResBlocks + 1; r++)
            {
                Residual(list, $"decoder.up_blocks.{i}.resnets.{r}", inDim, outDim);
                inDim = outDim;
            }
            if (i != levels - 1)
            {
                Resample(list, $"decoder.up_blocks.{i}.upsamplers.0", outDim, up: true, temporal: config.TemperalDownsample[levels - 2 - i]);
            }
        }
        Gamma(list, "decoder.norm_out", up[^1], 4);
        Conv3d(list, "decoder.conv_out", up[^1], config.InputChannels, 3);
        return list;
    }

    private static void Residual(List<KeyValuePair<string, Shape>> list, string prefix, int inDim, int outDim)
    {
        Gamma(list, prefix + ".norm1", inDim, 4);
        Conv3d(list, prefix + ".conv1", inDim, outDim, 3);
        Gamma(list, prefix + ".norm2", outDim, 4);
        Conv3d(list, prefix + ".conv2", outDim, outDim, 3);
        if (inDim != outDim)
        {
            Conv3d(list, prefix + ".conv_shortcut", inDim, outDim, 1);
        }
    }

    private static void Attention(List<KeyValuePair<string, Shape>> list, string prefix, int dim)
    {
        Gamma(list, prefix + ".norm", dim, 3);
        Conv2d(list, prefix + ".to_qkv", dim, 3 * dim, 1);
        Conv2d(list, prefix + ".proj", dim, dim, 1);
    }

    private static void Mid(List<KeyValuePair<string, Shape>> list, string prefix, int dim)
    {
        Residual(list, prefix + ".resnets.0", dim, dim);
        Attention(list, prefix + ".attentions.0", dim);
        Residual(list, prefix + ".resnets.1", dim, dim);
    }

    private static void Resample(List<KeyValuePair<string, Shape>> list, string prefix, int dim, bool up, bool temporal)
    {
        Conv2d(list, prefix + ".resample.1", dim, up ? dim / 2 : dim, 3);
        if (temporal)
        {
            int outDim = up ? 2 * dim : dim;
            list.Add(new(prefix + ".time_conv.weight", new Shape(outDim, dim, 3, 1, 1)));
            list.Add(new(prefix + ".time_conv.bias", new Shape(outDim)));
        }
    }

    private static void Gamma(List<KeyValuePair<string, Shape>> list, string prefix, int dim, int rank) =>
        list.Add(new(prefix + ".gamma", rank == 4 ? new Shape(dim, 1, 1, 1) : new Shape(dim, 1, 1)));

    private static void Conv3d(List<KeyValuePair<string, Shape>> list, string prefix, int inDim, int outDim, int k)
    {
        list.Add(new(prefix + ".weight", new Shape(outDim, inDim, k, k, k)));
        list.Add(new(prefix + ".bias", new Shape(outDim)));
    }

    private static void Conv2d(List<KeyValuePair<string, Shape>> list, string prefix, int inDim, int outDim, int k)
    {
        list.Add(new(prefix + ".weight", new Shape(outDim, inDim, k, k)));
        list.Add(new(prefix + ".bias", new Shape(outDim)));
    }
}
