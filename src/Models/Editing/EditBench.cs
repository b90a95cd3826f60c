using System.Diagnostics;
using System.Globalization;
using Locus.Engine.Backends;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Vae;

namespace Locus.Models.Editing;

/// <summary>
/// End-to-end edit time per stage (prepare, VAE encode, mask stage, steps, VAE decode) of a FLUX.1-Kontext- or
/// Qwen-Image-Edit-shaped model with random weights generated on the fly (<c>EditPipeline.Synthetic</c>): the real
/// transformer and VAE at <c>--size</c>² by default, or smaller ones for the CPU. One warm-up edit (1 step) compiles kernels
/// and plans the graphs; the timed edit follows.
/// </summary>
public static class EditBench
{
    /// <summary>
    /// Setup: architecture (<c>flux-kontext-dev</c> or <c>qwen-image-edit</c>), image side, steps, transformer depth (Flux: double
    /// blocks, single = 2×; Qwen: blocks; null = the real model) and heads, text tokens, mask source, blend, GRAG, VAE base width
    /// (null = the real VAE), true CFG scale (> 1 adds negative embeddings of half the text length: two passes per step).
    /// </summary>
    public sealed record Setup(int Size = 1024, int Steps = 28, int? DoubleBlocks = null, int? Heads = null, int TextTokens = 512,
        string MaskSource = "none", bool Blend = false, (float Lambda, float Delta)? Grag = null, int? VaeWidth = null,
        string Arch = "flux-kontext-dev", float TrueCfg = 1f);

    /// <summary>Runs and prints the stages; returns the timed edit's timings.</summary>
    /// <exception cref="ArgumentException">A size that is not a positive multiple of 16, steps outside [1, 1000], or an unknown mask source.</exception>
    public static EditTimings Run(Setup setup, IBackend backend, DType dtype, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(output);
        if (setup.Size < 16 || setup.Size % 16 != 0 || setup.Steps is < 1 or > 1000 || setup.TextTokens < 1)
        {
            throw new ArgumentException($"--size must be a positive multiple of 16 ({setup.Size}), --steps in [1, 1000] ({setup.Steps}), text tokens ≥ 1 ({setup.TextTokens})");
        }
        bool qwen = setup.Arch switch
        {
            "flux-kontext-dev" => false,
            "qwen-image-edit" => true,
            _ => throw new ArgumentException($"--arch must be flux-kontext-dev or qwen-image-edit, got '{setup.Arch}'"),
        };
        int heads = setup.Heads ?? 24;
        string shape;
        EditPipeline Create()
        {
            if (qwen)
            {
                var qt = new QwenImageTransformerConfig { NumLayers = Math.Clamp(setup.DoubleBlocks ?? 60, 1, 60), NumAttentionHeads = heads };
                var qv = setup.VaeWidth is { } qw ? QwenImageVaeConfig.QwenImage with { BaseDim = qw } : QwenImageVaeConfig.QwenImage;
                shape = $"Qwen-Image-Edit-shaped: {qt.NumLayers} blocks, {heads} heads, VAE base {qv.BaseDim}";
                return EditPipeline.Synthetic(qt, qv, backend, dtype);
            }
            int blocks = Math.Clamp(setup.DoubleBlocks ?? 19, 1, 19);
            var ft = FluxTransformerConfig.KontextDev with { NumLayers = blocks, NumSingleLayers = Math.Min(2 * blocks, 38), NumAttentionHeads = heads };
            int w = setup.VaeWidth ?? 128;
            var fv = AutoencoderKlConfig.Flux with { BlockOutChannels = [w, 2 * w, 4 * w, 4 * w], NormNumGroups = Math.Min(32, w) };
            shape = $"Kontext-shaped: {blocks} double + {ft.NumSingleLayers} single blocks, {heads} heads, VAE width {w}";
            return EditPipeline.Synthetic(ft, fv, backend, dtype);
        }
        var total = Stopwatch.StartNew();
        using var pipeline = Create();
        var request = Request(setup, qwen ? pipeline.QwenConfig!.JointAttentionDim : pipeline.Config!.JointAttentionDim,
            qwen ? null : pipeline.Config!.PooledProjectionDim);
        // Warm-up: 2 steps (Qwen's shift_terminal schedule needs ≥ 2), the first one capturing for an attention mask, so every
        // step graph the timed edit uses is built, bound and compiled before it starts.
        const int warmSteps = 2;
        var warmCapture = request.Mask.Kind == MaskSourceKind.Attention ? new AttentionCaptureSettings { Steps = 1 } : null;
        pipeline.Edit(request with { Steps = warmSteps, Capture = warmCapture }, null, cancellationToken);
        double warm = total.Elapsed.TotalSeconds;
        var result = pipeline.Edit(request, null, cancellationToken);
        var t = result.Timings;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"edit {setup.Size}² on {backend.Name} ({dtype}), {shape}, "
            + $"text {setup.TextTokens} tokens, mask {setup.MaskSource}{(setup.Blend ? " + blend" : "")}{(setup.TrueCfg > 1 ? $", true CFG {setup.TrueCfg}" : "")}"
            + $"{(setup.Grag is { } g ? $", GRAG ({g.Lambda}, {g.Delta})" : "")}; warm-up (build, bind, {warmSteps}-step edit) {warm:F2} s"));
        output.WriteLine(string.Create(inv, $"prepare {t.Prepare.TotalSeconds:F3} s | encode {t.Encode.TotalSeconds:F3} s | mask {t.Mask.TotalSeconds:F3} s | "
            + $"{setup.Steps} steps {t.Steps.TotalSeconds:F3} s ({t.Steps.TotalSeconds / setup.Steps:F4} s/step) | decode {t.Decode.TotalSeconds:F3} s | total {t.Total.TotalSeconds:F3} s"));
        return t;
    }

    private static EditRequest Request(Setup setup, int textDim, int? pooledDim)
    {
        int n = setup.Size;
        var rgb = new byte[n * n * 3];
        var rng = new Random(3);
        rng.NextBytes(rgb);
        var mask = new float[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double dx = (x - (n / 2.0)) / (n / 3.0), dy = (y - (n / 2.0)) / (n / 4.0);
                mask[(y * n) + x] = (dx * dx) + (dy * dy) <= 1 ? 1f : 0f;
            }
        }
        PromptEmbeddings Embeds(int tokens, long seed) => new(SeededNoise.Normal(new Shape(1, tokens, textDim), seed),
            pooledDim is { } p ? SeededNoise.Normal(new Shape(1, p), seed + 1) : null, null, "random prompt embeddings");
        var embeds = Embeds(setup.TextTokens, 5);
        if (setup.TrueCfg > 1f)
        {
            embeds = new PromptEmbeddings(embeds.Embeds, embeds.Pooled, null, embeds.Source) { Negative = Embeds(Math.Max(1, setup.TextTokens / 2), 7) };
        }
        var source = setup.MaskSource switch
        {
            "none" => Editing.MaskSource.None,
            "user" => Editing.MaskSource.FromTensor(HostTensor.FromFloats(new Shape(n, n), mask)),
            "attention" => Editing.MaskSource.FromAttention([1, 2]),
            _ => throw new ArgumentException($"--mask-source must be none, user or attention, got '{setup.MaskSource}'"),
        };
        return new EditRequest
        {
            Image = new Rgb8Image(n, n, rgb),
            Embeddings = embeds,
            Steps = setup.Steps,
            Mask = source,
            Blend = setup.Blend ? new BlendOptions() : null,
            Grag = setup.Grag is { } g ? new GragSettings(g.Lambda, g.Delta) : null,
            TrueCfgScale = setup.TrueCfg,
        };
    }
}
