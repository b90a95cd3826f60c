// diffusers @ d035dcd7 (v0.40.0): models/autoencoders/vae.py Encoder (DownEncoderBlock2D, double_z=True),
// models/unets/unet_2d_blocks.py DownEncoderBlock2D. Key prefix "encoder.".
using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>vae.py <c>Encoder</c>: conv_in → down_blocks → mid_block → conv_norm_out → SiLU → conv_out (2·latent channels).</summary>
internal static class VaeEncoder
{
    /// <summary>image [B, in, H, W] → moments [B, 2·latent, H/f, W/f] (mean ‖ logvar on channels).</summary>
    public static Node Build(WeightScope root, AutoencoderKlConfig config, Node image, bool matMulAttention = false)
    {
        // image: [B, in, H, W]
        var scope = root.Push("encoder");
        var blocks = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        var x = VaeBlocks.Conv3x3(scope, "conv_in", image, blocks[0]);         // [B, c0, H, W]
        for (int i = 0; i < blocks.Count; i++)
        {
            var block = scope.Push("down_blocks").Push(i);
            for (int j = 0; j < config.LayersPerBlock; j++)
            {
                x = VaeBlocks.Resnet(block.Push("resnets").Push(j), x, blocks[i], groups); // [B, ci, h, w]
            }
            if (i < blocks.Count - 1)
            {
                x = VaeBlocks.Downsample(block, x);                                  // [B, ci, h/2, w/2]
            }
        }
        x = VaeBlocks.MidBlock(scope.Push("mid_block"), x, groups, config.MidBlockAddAttention, matMulAttention); // [B, c_last, H/f, W/f]
        x = VaeBlocks.GroupNorm(scope, "conv_norm_out", x, groups);
        x = root.Graph.Silu(x, scope.Name("conv_act"));
        return VaeBlocks.Conv3x3(scope, "conv_out", x, 2 * config.LatentChannels); // [B, 2·latent, H/f, W/f]
    }
}
