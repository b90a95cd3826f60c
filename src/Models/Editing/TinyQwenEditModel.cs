using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Locus.Models.Vae;

namespace Locus.Models.Editing;

/// <summary>
/// A tiny Qwen-Image-Edit-shaped model folder with seeded random weights (for <c>locus demo</c> and tests): transformer
/// in_channels 16 = 4 VAE latent channels × 4 (patch 2), out_channels 4, 2 blocks, 2 heads × 16, text width 32, rope
/// axes (4, 6, 6); VAE AutoencoderKLQwenImage with base_dim 16, dim_mult (1, 2, 2) (factor 4), z_dim 4, one residual
/// block per level, one 3-D downsample and one 3-D upsample (so the checkpoint holds time_conv tensors), 5-D Conv3d
/// weights as in diffusers; scheduler_config.json with the Qwen-Image values. Matrices ~ N(0, 1)/√fan_in, norm weights
/// 1 + 0.02·N, biases 0.02·N, from <see cref="SeededNoise"/>. Not a real model: outputs are noise-like.
/// </summary>
public static class TinyQwenEditModel
{
    /// <summary>transformer/config.json.</summary>
    public const string TransformerConfigJson = """
        {"_class_name": "QwenImageTransformer2DModel", "patch_size": 2, "in_channels": 16, "out_channels": 4, "num_layers": 2,
         "attention_head_dim": 16, "num_attention_heads": 2, "joint_attention_dim": 32, "guidance_embeds": false,
         "axes_dims_rope": [4, 6, 6], "zero_cond_t": false}
        """;

    /// <summary>vae/config.json.</summary>
    public const string VaeConfigJson = """
        {"_class_name": "AutoencoderKLQwenImage", "base_dim": 16, "z_dim": 4, "dim_mult": [1, 2, 2], "num_res_blocks": 1,
         "attn_scales": [], "temperal_downsample": [false, true], "dropout": 0.0, "input_channels": 3,
         "latents_mean": [0.1, -0.2, 0.05, 0.3], "latents_std": [1.5, 0.8, 1.2, 2.0]}
        """;

    /// <summary>scheduler/scheduler_config.json (the Qwen-Image hub values).</summary>
    public const string SchedulerConfigJson = """
        {"_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 1.0, "use_dynamic_shifting": true,
         "base_shift": 0.5, "max_shift": 0.9, "base_image_seq_len": 256, "max_image_seq_len": 8192, "shift_terminal": 0.02,
         "time_shift_type": "exponential"}
        """;

    /// <summary>Text width of the transformer (prompt_embeds [1, N, 32]).</summary>
    public const int TextDim = 32;

    /// <summary>Writes the folder (transformer/, vae/, scheduler/) under <paramref name="root"/>; returns <paramref name="root"/>.</summary>
    public static string Write(string root, long seed = 7)
    {
        ArgumentNullException.ThrowIfNull(root);
        var config = QwenImageTransformerConfig.FromJsonText(TransformerConfigJson, "TinyQwenEditModel transformer config");
        var catalog = new RandomWeights(DType.F32);
        new QwenImageTransformer(config).Build(new GraphBuilder(), catalog, new SequenceLayout(1, 2, 4, 4), DType.F32);
        var transformerShapes = catalog.Keys.Select(k => catalog.TryGetInfo(k, out _, out var s) ? new KeyValuePair<string, Shape>(k, s) : default).ToList();
        TinyModelWriter.WriteComponent(Path.Combine(root, "transformer"), TransformerConfigJson, transformerShapes, seed);
        var vaeShapes = QwenImageVaeParameters.Shapes(QwenImageVaeConfig.FromJsonText(VaeConfigJson, "TinyQwenEditModel VAE config"));
        TinyModelWriter.WriteComponent(Path.Combine(root, "vae"), VaeConfigJson, vaeShapes, seed + 1_000_003);
        string scheduler = Path.Combine(root, "scheduler");
        Directory.CreateDirectory(scheduler);
        File.WriteAllText(Path.Combine(scheduler, "scheduler_config.json"), SchedulerConfigJson);
        return root;
    }

    /// <summary>Random prompt embeddings for this model: prompt_embeds [1, <paramref name="textTokens"/>, 32], no mask.</summary>
    public static PromptEmbeddings RandomEmbeddings(int textTokens, long seed) =>
        new(SeededNoise.Normal(new Shape(1, textTokens, TextDim), seed), null, null, "random prompt embeddings");
}
