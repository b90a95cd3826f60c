// diffusers src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py @ 071190da: QwenImageEncoder3d at T = 1.
// Key prefix "encoder."; down_blocks is a flat list (residual blocks, optional attention blocks, resamples).
using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>QwenImageEncoder3d: conv_in → down_blocks → mid_block → norm_out → SiLU → conv_out (2·z_dim channels).</summary>
internal static class QwenImageVaeEncoder
{
    /// <summary>image [B, in, H, W] → [B, 2·z, H/f, W/f] (before quant_conv).</summary>
    public static Node Build(WeightScope root, QwenImageVaeConfig config, Node image, bool matMulAttention)
    {
        // image: [B, in, H, W]
        var scope = root.Push("encoder");
        int[] dims = config.EncoderDims;
        int levels = config.DimMult.Count;
        var x = QwenImageVaeBlocks.CausalConv(scope, "conv_in", image, dims[0], 3);             // [B, d0, H, W]
        var blocks = scope.Push("down_blocks");
        int index = 0;
        double scale = 1.0;
        for (int i = 0; i < levels; i++)
        {
            for (int r = 0; r < config.NumResBlocks; r++)
            {
                x = QwenImageVaeBlocks.Residual(blocks.Push(index++), x, dims[i + 1]);         // [B, d(i+1), h, w]
                if (config.AttnScales.Contains(scale))
                {
                    x = QwenImageVaeBlocks.Attention(blocks.Push(index++), x, matMulAttention);
                }
            }
            if (i != levels - 1)
            {
                x = QwenImageVaeBlocks.Downsample(blocks.Push(index++), x, config.TemperalDownsample[i]); // [B, d(i+1), h/2, w/2]
                scale /= 2.0;
            }
        }
        x = QwenImageVaeBlocks.MidBlock(scope.Push("mid_block"), x, matMulAttention);                           // [B, d_last, H/f, W/f]
        x = QwenImageVaeBlocks.RmsNorm(scope, "norm_out", x);
        x = root.Graph.Silu(x, scope.Name("nonlinearity"));
        return QwenImageVaeBlocks.CausalConv(scope, "conv_out", x, 2 * config.ZDim, 3);       // [B, 2·z, H/f, W/f]
    }
}
