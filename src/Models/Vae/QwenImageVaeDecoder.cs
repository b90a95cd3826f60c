// diffusers src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py @ 071190da: QwenImageDecoder3d and
// QwenImageUpBlock at T = 1 (first chunk: the upsample3d time_conv only records "Rep"). Key prefix "decoder.".
using Locus.Engine.Graph;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>QwenImageDecoder3d: conv_in → mid_block → up_blocks (channel-halving upsamplers) → norm_out → SiLU → conv_out.</summary>
internal static class QwenImageVaeDecoder
{
    /// <summary>z [B, z_dim, h, w] (after post_quant_conv) → image [B, in, h·f, w·f] (unclamped).</summary>
    public static Node Build(WeightScope root, QwenImageVaeConfig config, Node z, bool matMulAttention)
    {
        // z: [B, z_dim, h, w]
        var scope = root.Push("decoder");
        int[] dims = config.DecoderDims;
        int levels = config.DimMult.Count;
        var x = QwenImageVaeBlocks.CausalConv(scope, "conv_in", z, dims[0], 3);                // [B, d0, h, w]
        x = QwenImageVaeBlocks.MidBlock(scope.Push("mid_block"), x, matMulAttention);                            // [B, d0, h, w]
        for (int i = 0; i < levels; i++)
        {
            var block = scope.Push("up_blocks").Push(i);
            for (int r = 0; r < config.NumResBlocks + 1; r++)
            {
                x = QwenImageVaeBlocks.Residual(block.Push("resnets").Push(r), x, dims[i + 1]); // [B, d(i+1), h', w']
            }
            if (i != levels - 1)
            {
                bool temporal = config.TemperalDownsample[levels - 2 - i];                      // temperal_upsample = reversed
                x = QwenImageVaeBlocks.Upsample(block.Push("upsamplers").Push(0), x, temporal); // [B, d(i+1)/2, 2h', 2w']
            }
        }
        x = QwenImageVaeBlocks.RmsNorm(scope, "norm_out", x);
        x = root.Graph.Silu(x, scope.Name("nonlinearity"));
        return QwenImageVaeBlocks.CausalConv(scope, "conv_out", x, config.InputChannels, 3);  // [B, in, h·f, w·f]
    }
}
