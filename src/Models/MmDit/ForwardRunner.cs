using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Vae;

namespace Locus.Models.MmDit;

/// <summary>
/// One forward on fixture-named tensors (what <c>locus forward</c> runs): transformers return <c>sample</c>
/// (Qwen optionally <c>sample_zero_cond_t</c>); the VAE encodes <c>image</c> → <c>latent_dist_mean</c> and/or decodes
/// <c>decoder_input_latent</c> → <c>decoded</c>. Outputs are f32.
/// </summary>
public static class ForwardRunner
{
    /// <summary>Flux forward; io holds hidden_states, encoder_hidden_states, pooled_projections, timestep, guidance, img_ids, txt_ids.</summary>
    /// <exception cref="ArgumentException">Missing or inconsistent inputs.</exception>
    public static Dictionary<string, HostTensor> Flux(FluxTransformerConfig config, WeightStore store, IReadOnlyDictionary<string, HostTensor> io,
        IBackend backend, DType dtype, (GragOptions Options, HostTensor Scales)? grag = null)
    {
        var (inputs, seq) = TransformerInputs.Flux(io, config);
        AddGrag(inputs, grag);
        using var session = TransformerSession.Flux(config, store, seq, backend, dtype, grag?.Options);
        return new() { ["sample"] = session.Run(inputs) };
    }

    /// <summary>Qwen forward; io holds hidden_states, encoder_hidden_states, timestep and optionally encoder_hidden_states_mask.</summary>
    /// <exception cref="ArgumentException">Missing or inconsistent inputs.</exception>
    public static Dictionary<string, HostTensor> Qwen(QwenImageTransformerConfig config, WeightStore store, IReadOnlyDictionary<string, HostTensor> io,
        IBackend backend, DType dtype, (GragOptions Options, HostTensor Scales)? grag, IReadOnlyList<(int, int, int)> imageShapes, bool alsoZeroCondT)
    {
        var (inputs, seq, masked) = TransformerInputs.Qwen(io, config, imageShapes);
        AddGrag(inputs, grag);
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        using (var session = TransformerSession.Qwen(config, store, seq, backend, dtype, masked, grag?.Options))
        {
            result["sample"] = session.Run(inputs);
        }
        if (alsoZeroCondT)
        {
            using var session = TransformerSession.Qwen(config with { ZeroCondT = true }, store, seq, backend, dtype, masked, grag?.Options);
            result["sample_zero_cond_t"] = session.Run(inputs);
        }
        return result;
    }

    /// <summary>VAE encode (<c>image</c> → <c>latent_dist_mean</c>) and/or decode (<c>decoder_input_latent</c> → <c>decoded</c>).</summary>
    /// <exception cref="ArgumentException">Neither input is present, or one is not rank 4.</exception>
    public static Dictionary<string, HostTensor> Vae(AutoencoderKlConfig config, WeightStore store, IReadOnlyDictionary<string, HostTensor> io, IBackend backend, DType dtype)
    {
        var vae = new AutoencoderKl(config, store);
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (input, outputName) in new[] { ("image", "latent_dist_mean"), ("decoder_input_latent", "decoded") })
        {
            if (!io.TryGetValue(input, out var value))
            {
                continue;
            }
            if (value.Shape.Rank != 4)
            {
                throw new ArgumentException($"input '{input}' must be [B, C, H, W], got {value.Shape}");
            }
            var g = new GraphBuilder();
            var x = g.Input(input, dtype, value.Shape);
            var y = input == "image" ? vae.BuildEncodeMean(g, x) : vae.BuildDecode(g, x);
            using var executor = new Executor(g.Build(y), backend, store);
            executor.SetInput(input, value);
            executor.Run();
            var r = executor.Read(y);
            result[outputName] = r.DType == DType.F32 ? r : r.ConvertTo(DType.F32);
        }
        if (result.Count == 0)
        {
            throw new ArgumentException("VAE inputs need 'image' (encode) or 'decoder_input_latent' (decode)");
        }
        return result;
    }

    private static void AddGrag(Dictionary<string, HostTensor> inputs, (GragOptions Options, HostTensor Scales)? grag)
    {
        if (grag is { } gr)
        {
            inputs[GragOptions.ScalesInput] = gr.Scales;
        }
    }
}
