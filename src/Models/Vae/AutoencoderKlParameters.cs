// The state_dict of diffusers AutoencoderKL @ d035dcd7 (v0.40.0) for a config: the keys and shapes the graph builders
// ask for, in the same module order (encoder, decoder, quant_conv, post_quant_conv). Used to create random-weight
// checkpoints (benchmarks, smoke runs) and to check a checkpoint before building a graph.
using Locus.Engine.Tensors;

namespace Locus.Models.Vae;

/// <summary>Parameter names and shapes of an <see cref="AutoencoderKl"/> checkpoint for a given config.</summary>
public static class AutoencoderKlParameters
{
    /// <summary>
    /// Every tensor of the diffusers state_dict: e.g. 244 tensors / 83,819,683 values for <see cref="AutoencoderKlConfig.Flux"/>.
    /// Attention projections are listed as [C, C] (Linear); legacy [C, C, 1, 1] checkpoints are also accepted by the model.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Shape>> Shapes(AutoencoderKlConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<KeyValuePair<string, Shape>>();
        var blocks = config.BlockOutChannels;
        int last = blocks[^1];
        int latent = config.LatentChannels;

        Conv(list, "encoder.conv_in", config.InChannels, blocks[0], 3);
        int channels = blocks[0];
        for (int i = 0; i < blocks.Count; i++)
        {
            for (int j = 0; j < config.LayersPerBlock; j++)
            {
                Resnet(list, $"encoder.down_blocks.{i}.resnets.{j}", channels, blocks[i]);
                channels = blocks[i];
            }
            if (i < blocks.Count - 1)
            {
                Conv(list, $"encoder.down_blocks.{i}.downsamplers.0.conv", channels, channels, 3);
            }
        }
        Mid(list, "encoder.mid_block", last, config.MidBlockAddAttention);
        Norm(list, "encoder.conv_norm_out", last);
        Conv(list, "encoder.conv_out", last, 2 * latent, 3);

        Conv(list, "decoder.conv_in", latent, last, 3);
        Mid(list, "decoder.mid_block", last, config.MidBlockAddAttention);
        channels = last;
        for (int i = 0; i < blocks.Count; i++)
        {
            int outChannels = blocks[blocks.Count - 1 - i];
            for (int j = 0; j < config.LayersPerBlock + 1; j++)
            {
                Resnet(list, $"decoder.up_blocks.{i}.resnets.{j}", channels, outChannels);
                channels = outChannels;
            }
            if (i < blocks.Count - 1)
            {
                Conv(list, $"decoder.up_blocks.{i}.upsamplers.0.conv", channels, channels, 3);
            }
        }
        Norm(list, "decoder.conv_norm_out", blocks[0]);
        Conv(list, "decoder.conv_out", blocks[0], config.OutChannels, 3);

        if (config.UseQuantConv)
        {
            Conv(list, "quant_conv", 2 * latent, 2 * latent, 1);
        }
        if (config.UsePostQuantConv)
        {
            Conv(list, "post_quant_conv", latent, latent, 1);
        }
        return list;
    }

    private static void Resnet(List<KeyValuePair<string, Shape>> list, string prefix, int inChannels, int outChannels)
    {
        Norm(list, prefix + ".norm1", inChannels);
        Conv(list, prefix + ".conv1", inChannels, outChannels, 3);
        Norm(list, prefix + ".norm2", outChannels);
        Conv(list, prefix + ".conv2", outChannels, outChannels, 3);
        if (inChannels != outChannels)
        {
            Conv(list, prefix + ".conv_shortcut", inChannels, outChannels, 1);
        }
    }

    private static void Mid(List<KeyValuePair<string, Shape>> list, string prefix, int channels, bool attention)
    {
        Resnet(list, prefix + ".resnets.0", channels, channels);
        if (attention)
        {
            string a = prefix + ".attentions.0";
            Norm(list, a + ".group_norm", channels);
            foreach (string p in (string[])["to_q", "to_k", "to_v", "to_out.0"])
            {
                list.Add(new($"{a}.{p}.weight", new Shape(channels, channels)));
                list.Add(new($"{a}.{p}.bias", new Shape(channels)));
            }
        }
        Resnet(list, prefix + ".resnets.1", channels, channels);
    }

    private static void Conv(List<KeyValuePair<string, Shape>> list, string prefix, int inChannels, int outChannels, int kernel)
    {
        list.Add(new(prefix + ".weight", new Shape(outChannels, inChannels, kernel, kernel)));
        list.Add(new(prefix + ".bias", new Shape(outChannels)));
    }

    private static void Norm(List<KeyValuePair<string, Shape>> list, string prefix, int channels)
    {
        list.Add(new(prefix + ".weight", new Shape(channels)));
        list.Add(new(prefix + ".bias", new Shape(channels)));
    }
}
