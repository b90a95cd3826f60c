using System.CommandLine;
using System.Globalization;
using Locus.Engine.Backends;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Kernels;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus edit</c>: one instruction edit with a model folder (docs/pipeline.md) and precomputed prompt embeddings.
/// Progress per step (a bar on a terminal, plain lines otherwise); Ctrl-C cancels cleanly (exit 130).
/// </summary>
public static partial class EditCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder: transformer/ and vae/ (diffusers layout), optional scheduler/", Required = true };
        var image = new Option<string>("--image") { Description = "Source image (PNG/JPEG/…)", Required = true };
        var embeds = new Option<string>("--embeds") { Description = "Prompt embeddings safetensors (prompt_embeds, pooled_prompt_embeds, optional negative_*)", Required = true };
        var output = new Option<string>("--out") { Description = "Output PNG", Required = true };
        var mask = new Option<string?>("--mask") { Description = "User mask PNG (white = edit), same aspect ratio as the image" };
        var predict = new Option<bool>("--predict-mask") { Description = "Mask from the region adapter's MaskPredictor (needs --adapter)" };
        var adapter = new Option<string?>("--adapter") { Description = "Region adapter folder (region_adapter.json + region_adapter.safetensors; see `locus adapter init`)" };
        var noAdapter = new Option<bool>("--no-adapter") { Description = "Load the adapter but keep it out of the denoising (with --predict-mask: mask only)" };
        var trueCfg = new Option<float?>("--true-cfg") { Description = "True CFG scale, used when > 1 and the embeddings hold negative_* (default: the model's, 1 Kontext, 4 Qwen-Image-Edit)" };
        var attention = new Option<string?>("--attention-mask") { Description = "Mask from attention maps (IAM-style) of the instruction's text TOKENS, e.g. 3,4" };
        var captureSteps = new Option<int?>("--capture-steps") { Description = "Capture attention on the first N steps (default 30 % of --steps)" };
        var captureLayers = new Option<string?>("--capture-layers") { Description = "Joint-attention calls to capture, e.g. 10,11,12 (default all)" };
        var regionBias = new Option<string?>("--region-bias")
        {
            Description = "Outside-mask target tokens do not attend to the instruction tokens (optional finite bias, default -inf)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var regionTokens = new Option<string?>("--region-tokens") { Description = "Text tokens the region bias hides (default: the --attention-mask tokens, else all)" };
        var grag = new Option<string?>("--grag") { Description = "GRAG on the reference keys: LAMBDA,DELTA" };
        var blend = new Option<bool>("--blend") { Description = "FlowBlend: tokens outside the mask follow the re-noised source (needs a mask)" };
        var composite = new Option<bool>("--composite") { Description = "After decoding, paste the source outside the mask (needs a mask)" };
        var size = new Option<string>("--size")
        {
            Description = "Size policy: auto (nearest multiple of 16), kontext (FLUX.1-Kontext's preferred resolutions), area[:PIXELS] (≈1024² or PIXELS, Qwen-Image-Edit), or WxH",
            DefaultValueFactory = _ => "auto",
        };
        var steps = new Option<int?>("--steps") { Description = "Denoising steps (default: the model's, 28 Kontext, 50 Qwen-Image-Edit)" };
        var guidance = new Option<float>("--guidance") { Description = "Kontext distilled guidance scale", DefaultValueFactory = _ => 3.5f };
        var seed = new Option<long>("--seed") { Description = "Noise seed", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA when usable, else the CPU)", DefaultValueFactory = _ => "cpu" };
        var saveMask = new Option<string?>("--save-mask") { Description = "Write the mask used (PNG, image size)" };
        var saveMaps = new Option<string?>("--save-maps") { Description = "Write the captured attention maps to DIR as PNG heat maps over the image" };
        var command = new Command("edit", "Edit an image with a FLUX.1-Kontext model folder (optionally a region adapter) and precomputed prompt embeddings.")
        {
            model, image, embeds, output, mask, predict, adapter, noAdapter, trueCfg, attention, captureSteps, captureLayers, regionBias, regionTokens, size, grag, blend, composite, steps, guidance, seed, device, saveMask, saveMaps,
        };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var args = new EditArguments(parse.GetValue(model)!, parse.GetValue(image)!, parse.GetValue(embeds)!, parse.GetValue(output)!)
            {
                Mask = parse.GetValue(mask),
                PredictMask = parse.GetValue(predict),
                Adapter = parse.GetValue(adapter),
                NoAdapter = parse.GetValue(noAdapter),
                TrueCfg = parse.GetValue(trueCfg),
                AttentionMask = parse.GetValue(attention),
                CaptureSteps = parse.GetValue(captureSteps),
                CaptureLayers = parse.GetValue(captureLayers),
                RegionBias = parse.GetResult(regionBias) is null ? null : parse.GetValue(regionBias) ?? "-inf",
                RegionTokens = parse.GetValue(regionTokens),
                Size = parse.GetValue(size)!,
                Grag = parse.GetValue(grag),
                Blend = parse.GetValue(blend),
                Composite = parse.GetValue(composite),
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance),
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device)!,
                SaveMask = parse.GetValue(saveMask),
                SaveMaps = parse.GetValue(saveMaps),
            };
            return CliErrors.Run(() => RunWithCtrlC(args, config.Output), config.Error);
        });
        return command;
    }

    /// <summary>Runs with Ctrl-C wired to cancellation.</summary>
    public static int RunWithCtrlC(EditArguments args, TextWriter output)
    {
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            return Run(args, output, cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>Checks the arguments, runs the edit and writes the outputs; returns the exit code.</summary>
    /// <exception cref="ArgumentException">A bad argument or file (named).</exception>
    public static int Run(EditArguments a, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        if ((a.Mask is not null ? 1 : 0) + (a.PredictMask ? 1 : 0) + (a.AttentionMask is not null ? 1 : 0) > 1)
        {
            throw new ArgumentException("give at most one mask source: --mask, --predict-mask or --attention-mask");
        }
        if (a.PredictMask && a.Adapter is null)
        {
            throw new ArgumentException("--predict-mask needs --adapter DIR (the MaskPredictor is part of the region adapter)");
        }
        if (a.Adapter is not null && !Directory.Exists(a.Adapter))
        {
            throw new ArgumentException($"--adapter: folder '{a.Adapter}' does not exist");
        }
        if (a.TrueCfg is { } cfg && (!float.IsFinite(cfg) || cfg < 0f))
        {
            throw new ArgumentException($"--true-cfg must be a finite number ≥ 0, got {a.TrueCfg}");
        }
        var attentionTokens = a.AttentionMask is null ? null : ParseInts(a.AttentionMask, "--attention-mask");
        var layers = a.CaptureLayers is null ? null : ParseInts(a.CaptureLayers, "--capture-layers");
        if (a.CaptureSteps is < 1)
        {
            throw new ArgumentException($"--capture-steps must be ≥ 1, got {a.CaptureSteps}");
        }
        float? bias = a.RegionBias is null ? null : ParseBias(a.RegionBias);
        var regionTokens = a.RegionTokens is null ? attentionTokens : ParseInts(a.RegionTokens, "--region-tokens");
        if (bias is not null && a.Mask is null && !a.PredictMask && attentionTokens is null)
        {
            throw new ArgumentException("--region-bias needs a mask source (--mask, --predict-mask or --attention-mask)");
        }
        BackendFactory.ValidateName(a.Device, "--device");
        if (a.Steps < 1)
        {
            throw new ArgumentException($"--steps must be ≥ 1, got {a.Steps}");
        }
        if (a.Mask is null && !a.PredictMask && a.AttentionMask is null && (a.Blend || a.Composite || a.SaveMask is not null))
        {
            throw new ArgumentException("--blend, --composite and --save-mask need a mask source (--mask, --predict-mask or --attention-mask)");
        }
        if (!Directory.Exists(a.Model))
        {
            throw new ArgumentException($"--model: folder '{a.Model}' does not exist");
        }
        if (!File.Exists(a.Image))
        {
            throw new ArgumentException($"--image: '{a.Image}' does not exist");
        }
        if (!File.Exists(a.Embeds))
        {
            throw new ArgumentException($"--embeds: '{a.Embeds}' does not exist");
        }
        if (a.Mask is not null && !File.Exists(a.Mask))
        {
            throw new ArgumentException($"--mask: '{a.Mask}' does not exist");
        }
        var request = new EditRequest
        {
            Image = ImageCodec.Load(a.Image),
            Embeddings = PromptEmbeddings.Load(a.Embeds),
            Steps = a.Steps,
            Size = ParseSize(a.Size),
            Guidance = a.Guidance,
            Seed = a.Seed,
            TrueCfgScale = a.TrueCfg,
            Mask = a.Mask is not null ? MaskSource.FromFile(a.Mask) : a.PredictMask ? MaskSource.Predicted
                : attentionTokens is not null ? MaskSource.FromAttention(attentionTokens) : MaskSource.None,
            Capture = attentionTokens is null && a.SaveMaps is null && a.CaptureSteps is null && layers is null ? null
                : new AttentionCaptureSettings { Steps = a.CaptureSteps, Layers = layers },
            RegionBias = bias is null ? null : new RegionBiasSettings { Bias = bias.Value, Tokens = regionTokens },
            UseAdapter = !a.NoAdapter,
            Blend = a.Blend ? new BlendOptions() : null,
            Composite = a.Composite,
            Grag = a.Grag is null ? null : ParseGrag(a.Grag),
        };
        using var backend = BackendFactory.Open(a.Device, "--device");
        using var pipeline = EditPipeline.Open(a.Model, backend, backend.PreferredActivationType, a.Adapter);
        var progress = new ProgressWriter(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        var result = pipeline.Edit(request, progress, cancellationToken);
        progress.Finish();
        ImageCodec.SavePng(result.Image, a.Out);
        if (a.SaveMask is not null)
        {
            MaskImage.Save(result.PixelMask!, a.SaveMask);
        }
        if (a.SaveMaps is not null && result.Maps is { } maps)
        {
            SaveMaps(result, maps, attentionTokens ?? regionTokens, a.SaveMaps, output);
        }
        var t = result.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {a.Out} ({result.Image.Width}×{result.Image.Height}, seed {result.Seed}{(result.AdapterUsed ? ", region adapter" : "")}): load {t.Load.TotalSeconds:0.00} s, encode {t.Encode.TotalSeconds:0.00} s, mask {t.Mask.TotalSeconds:0.00} s, {result.Steps} steps {t.Steps.TotalSeconds:0.00} s, decode {t.Decode.TotalSeconds:0.00} s"));
        return 0;
    }


    /// <summary>The parsed arguments of <c>locus edit</c>.</summary>
    public sealed record EditArguments(string Model, string Image, string Embeds, string Out)
    {
        public string? Mask { get; init; }

        public bool PredictMask { get; init; }

        public string? Adapter { get; init; }

        public bool NoAdapter { get; init; }

        public float? TrueCfg { get; init; }

        public string? AttentionMask { get; init; }

        public int? CaptureSteps { get; init; }

        public string? CaptureLayers { get; init; }

        public string? RegionBias { get; init; }

        public string? RegionTokens { get; init; }

        public string? Grag { get; init; }

        public bool Blend { get; init; }

        public bool Composite { get; init; }

        public int? Steps { get; init; }

        public string Size { get; init; } = "auto";

        public float Guidance { get; init; } = 3.5f;

        public long Seed { get; init; }

        public string Device { get; init; } = "cpu";

        public string? SaveMask { get; init; }

        public string? SaveMaps { get; init; }
    }
}
