// diffusers @ d035dcd7 (v0.40.0): models/autoencoders/vae.py Decoder (UpDecoderBlock2D, norm_type "group"),
// models/unets/unet_2d_blocks.py UpDecoderBlock2D (layers_per_block + 1 resnets). Key prefix "decoder.".
using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>vae.py <c>Decoder</c>: conv_in → mid_block → up_blocks → conv_norm_out → SiLU → conv_out.</summary>
internal static class VaeDecoder
{
    /// <summary>latent [B, latent, h, w] → image [B, out, h·f, w·f].</summary>
    public static Node Build(WeightScope root, AutoencoderKlConfig config, Node latent, bool matMulAttention = false)
    {
        // latent: [B, latent, h, w]
        var scope = root.Push("decoder");
        var blocks = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        int levels = blocks.Count;
        var x = VaeBlocks.Conv3x3(scope, "conv_in", latent, blocks[levels - 1]);                 // [B, c_last, h, w]
        x = VaeBlocks.MidBlock(scope.Push("mid_block"), x, groups, config.MidBlockAddAttention, matMulAttention); // [B, c_last, h, w]
        for (int i = 0; i < levels; i++)
        {
            var block = scope.Push("up_blocks").Push(i);
            int outChannels = blocks[levels - 1 - i];                                            // reversed(block_out_channels)[i]
            for (int j = 0; j < config.LayersPerBlock + 1; j++)
            {
                x = VaeBlocks.Resnet(block.Push("resnets").Push(j), x, outChannels, groups);    // [B, co, h', w']
            }
            if (i < levels - 1)
            {
                x = VaeBlocks.Upsample(block, x);                                                // [B, co, 2h', 2w']
            }
        }
        x = VaeBlocks.GroupNorm(scope, "conv_norm_out", x, groups);
        x = root.Graph.Silu(x, scope.Name("conv_act"));
        return VaeBlocks.Conv3x3(scope, "conv_out", x, config.OutChannels);                     // [B, out, h·f, w·f]
    }
}
