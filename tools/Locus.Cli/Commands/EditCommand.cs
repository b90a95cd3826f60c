using System.CommandLine;
using System.Globalization;
using Locus.Engine.Backends;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus edit</c>: one instruction edit with a model folder (docs/pipeline.md) and precomputed prompt embeddings.
/// Progress per step (a bar on a terminal, plain lines otherwise); Ctrl-C cancels cleanly (exit 130).
/// </summary>
public static class EditCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder: transformer/ and vae/ (diffusers layout), optional scheduler/", Required = true };
        var image = new Option<string>("--image") { Description = "Source image (PNG/JPEG/…)", Required = true };
        var embeds = new Option<string>("--embeds") { Description = "Prompt embeddings safetensors (prompt_embeds, pooled_prompt_embeds, optional negative_*)", Required = true };
        var output = new Option<string>("--out") { Description = "Output PNG", Required = true };
        var mask = new Option<string?>("--mask") { Description = "User mask PNG (white = edit), same aspect ratio as the image" };
        var predict = new Option<bool>("--predict-mask") { Description = "Mask from the region adapter's MaskPredictor (not implemented yet)" };
        var attention = new Option<string?>("--attention-mask") { Description = "Mask from attention maps of text TOKENS (not implemented yet)" };
        var grag = new Option<string?>("--grag") { Description = "GRAG on the reference keys: LAMBDA,DELTA" };
        var blend = new Option<bool>("--blend") { Description = "FlowBlend: tokens outside the mask follow the re-noised source (needs a mask)" };
        var composite = new Option<bool>("--composite") { Description = "After decoding, paste the source outside the mask (needs a mask)" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 28 };
        var guidance = new Option<float>("--guidance") { Description = "Kontext distilled guidance scale", DefaultValueFactory = _ => 3.5f };
        var seed = new Option<long>("--seed") { Description = "Noise seed", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var saveMask = new Option<string?>("--save-mask") { Description = "Write the mask used (PNG, image size)" };
        var saveMaps = new Option<string?>("--save-maps") { Description = "Write captured attention maps to DIR (not implemented yet)" };
        var command = new Command("edit", "Edit an image with a FLUX.1-Kontext model folder and precomputed prompt embeddings.")
        {
            model, image, embeds, output, mask, predict, attention, grag, blend, composite, steps, guidance, seed, device, saveMask, saveMaps,
        };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            var args = new EditArguments(parse.GetValue(model)!, parse.GetValue(image)!, parse.GetValue(embeds)!, parse.GetValue(output)!)
            {
                Mask = parse.GetValue(mask),
                PredictMask = parse.GetValue(predict),
                AttentionMask = parse.GetValue(attention),
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
        if (a.PredictMask)
        {
            throw new NotSupportedException("--predict-mask is not implemented yet (the region adapter's MaskPredictor comes later); use --mask");
        }
        if (a.AttentionMask is not null)
        {
            throw new NotSupportedException("--attention-mask is not implemented yet (attention-map masks come later); use --mask");
        }
        if (a.SaveMaps is not null)
        {
            throw new NotSupportedException("--save-maps is not implemented yet (attention capture comes later)");
        }
        if (a.Device is not ("cpu" or "cuda"))
        {
            throw new ArgumentException($"--device must be cpu or cuda, got '{a.Device}'");
        }
        if (a.Steps < 1)
        {
            throw new ArgumentException($"--steps must be ≥ 1, got {a.Steps}");
        }
        if (a.Mask is null && (a.Blend || a.Composite || a.SaveMask is not null))
        {
            throw new ArgumentException("--blend, --composite and --save-mask need --mask");
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
            Guidance = a.Guidance,
            Seed = a.Seed,
            Mask = a.Mask is null ? MaskSource.None : MaskSource.FromFile(a.Mask),
            Blend = a.Blend ? new BlendOptions() : null,
            Composite = a.Composite,
            Grag = a.Grag is null ? null : ParseGrag(a.Grag),
        };
        using var backend = CreateBackend(a.Device);
        using var pipeline = EditPipeline.Open(a.Model, backend, a.Device == "cuda" ? DType.BF16 : DType.F32);
        var progress = new ProgressWriter(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        var result = pipeline.Edit(request, progress, cancellationToken);
        progress.Finish();
        ImageCodec.SavePng(result.Image, a.Out);
        if (a.SaveMask is not null)
        {
            MaskImage.Save(result.PixelMask!, a.SaveMask);
        }
        var t = result.Timings;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {a.Out} ({result.Image.Width}×{result.Image.Height}, seed {result.Seed}): encode {t.Encode.TotalSeconds:0.00} s, {request.Steps} steps {t.Steps.TotalSeconds:0.00} s, decode {t.Decode.TotalSeconds:0.00} s"));
        return 0;
    }

    internal static IBackend CreateBackend(string device)
    {
        if (device == "cpu")
        {
            return new CpuBackend();
        }
        if (!Kernels.Cuda.CudaBackend.IsAvailable(out string reason))
        {
            throw new NotSupportedException($"--device cuda: {reason}");
        }
        return new Kernels.Cuda.CudaBackend();
    }

    private static GragSettings ParseGrag(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float l)
            || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float d) || !float.IsFinite(l) || !float.IsFinite(d))
        {
            throw new ArgumentException($"--grag must be two numbers LAMBDA,DELTA, got '{text}'");
        }
        return new GragSettings(l, d);
    }

    /// <summary>The parsed arguments of <c>locus edit</c>.</summary>
    public sealed record EditArguments(string Model, string Image, string Embeds, string Out)
    {
        public string? Mask { get; init; }

        public bool PredictMask { get; init; }

        public string? AttentionMask { get; init; }

        public string? Grag { get; init; }

        public bool Blend { get; init; }

        public bool Composite { get; init; }

        public int Steps { get; init; } = 28;

        public float Guidance { get; init; } = 3.5f;

        public long Seed { get; init; }

        public string Device { get; init; } = "cpu";

        public string? SaveMask { get; init; }

        public string? SaveMaps { get; init; }
    }

    /// <summary>Step progress: a redrawn bar with it/s and ETA on a terminal, one plain line per step otherwise.</summary>
    internal sealed class ProgressWriter(TextWriter output, bool terminal) : IProgress<EditProgress>
    {
        private const int BarWidth = 30;
        private bool _drawn;

        public void Report(EditProgress value)
        {
            string rate = string.Create(CultureInfo.InvariantCulture, $"{value.ItPerSecond:0.00} it/s");
            string eta = value.Eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
            if (terminal)
            {
                int filled = value.StepCount == 0 ? BarWidth : value.Step * BarWidth / value.StepCount;
                output.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {value.Step}/{value.StepCount}  {rate}  ETA {eta} ");
                _drawn = true;
            }
            else
            {
                output.WriteLine($"step {value.Step}/{value.StepCount}  {rate}  ETA {eta}");
            }
        }

        /// <summary>Ends the bar line.</summary>
        public void Finish()
        {
            if (_drawn)
            {
                output.WriteLine();
                _drawn = false;
            }
        }
    }
}
