using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Locus.Models.Vae;

namespace Locus.Models.Editing;

/// <summary>
/// A tiny FLUX.1-Kontext-shaped model folder with seeded random weights (for <c>locus demo</c> and tests): transformer
/// in_channels 16 = 4 VAE latent channels × 4, 1 double + 1 single block, 2 heads × 16, text width 32, pooled 24; VAE
/// with blocks (16, 32, 32) (factor 4), latent 4. Matrices ~ N(0, 1)/√fan_in, norm weights 1 + 0.02·N, biases 0.02·N,
/// from <see cref="SeededNoise"/>. Not a real model: outputs are noise-like.
/// </summary>
public static class TinyKontextModel
{
    /// <summary>transformer/config.json.</summary>
    public const string TransformerConfigJson = """
        {"_class_name": "FluxTransformer2DModel", "patch_size": 1, "in_channels": 16, "out_channels": null, "num_layers": 1,
         "num_single_layers": 1, "attention_head_dim": 16, "num_attention_heads": 2, "joint_attention_dim": 32,
         "pooled_projection_dim": 24, "guidance_embeds": true, "axes_dims_rope": [4, 6, 6]}
        """;

    /// <summary>vae/config.json.</summary>
    public const string VaeConfigJson = """
        {"_class_name": "AutoencoderKL", "in_channels": 3, "out_channels": 3,
         "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
         "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
         "block_out_channels": [16, 32, 32], "layers_per_block": 1, "act_fn": "silu", "latent_channels": 4,
         "norm_num_groups": 8, "sample_size": 64, "scaling_factor": 0.3611, "shift_factor": 0.1159,
         "use_quant_conv": false, "use_post_quant_conv": false, "mid_block_add_attention": true}
        """;

    /// <summary>Writes the folder (transformer/, vae/) under <paramref name="root"/>; returns <paramref name="root"/>.</summary>
    public static string Write(string root, long seed = 7)
    {
        ArgumentNullException.ThrowIfNull(root);
        var config = FluxTransformerConfig.FromJsonText(TransformerConfigJson);
        var catalog = new RandomWeights(DType.F32);
        new FluxTransformer(config).Build(new GraphBuilder(), catalog, new SequenceLayout(1, 2, 4, 4), DType.F32);
        var transformerShapes = catalog.Keys.Select(k => catalog.TryGetInfo(k, out _, out var s) ? new KeyValuePair<string, Shape>(k, s) : default).ToList();
        TinyModelWriter.WriteComponent(Path.Combine(root, "transformer"), TransformerConfigJson, transformerShapes, seed);
        var vaeShapes = AutoencoderKlParameters.Shapes(AutoencoderKlConfig.FromJsonText(VaeConfigJson));
        TinyModelWriter.WriteComponent(Path.Combine(root, "vae"), VaeConfigJson, vaeShapes, seed + 1_000_003);
        return root;
    }

    /// <summary>Random prompt embeddings for this model: prompt_embeds [1, <paramref name="textTokens"/>, 32], pooled [1, 24].</summary>
    public static PromptEmbeddings RandomEmbeddings(int textTokens, long seed) =>
        new(SeededNoise.Normal(new Shape(1, textTokens, 32), seed), SeededNoise.Normal(new Shape(1, 24), seed + 1), null, "random prompt embeddings");
}
