using System.CommandLine;
using Locus.Cli.Demo;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus demo</c>: on a fresh machine, writes a seeded random-weight Kontext-shaped model folder, a random region
/// adapter, a sample image, random prompt embeddings and an ellipse mask, runs the edit pipeline on the CPU once per mask
/// source (none, user mask, the adapter's predicted mask) with blend/GRAG/adapter variants, and writes PNGs plus
/// index.html with per-stage timings.
/// </summary>
public static class DemoCommand
{
    /// <summary>What the demo says about its weights.</summary>
    public const string Notice = "The model weights, the prompt embeddings and therefore the outputs are RANDOM: this demo only shows that the whole "
        + "pipeline (VAE encode, packing, reference tokens, region adapter and MaskPredictor, flow-match steps, masks, FlowBlend, GRAG, VAE decode) "
        + "runs on this machine. For real edits run: locus edit --model <FLUX.1-Kontext diffusers folder with transformer/ and vae/> --image in.png "
        + "--embeds prompt.safetensors --out out.png [--mask m.png | --adapter DIR --predict-mask] (see docs/pipeline.md for the folder layout "
        + "and the embeddings file).";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write (created)", DefaultValueFactory = _ => "locus-demo" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps per run", DefaultValueFactory = _ => 8 };
        var seed = new Option<long>("--seed") { Description = "Seed of the weights, embeddings and noise", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Run the whole edit pipeline on the CPU with a small random-weight model and write an HTML report.") { output, steps, seed };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            return CliErrors.Run(() => Run(parse.GetValue(output)!, parse.GetValue(steps), parse.GetValue(seed), config.Output, CancellationToken.None), config.Error);
        });
        return command;
    }

    /// <summary>Writes the demo folder; returns the exit code.</summary>
    /// <exception cref="ArgumentException">Bad steps.</exception>
    public static int Run(string dir, int steps, long seed, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(output);
        if (steps is < 1 or > 100)
        {
            throw new ArgumentException($"--steps must be in [1, 100], got {steps}");
        }
        Directory.CreateDirectory(dir);
        string modelDir = Path.Combine(dir, "model");
        TinyKontextModel.Write(modelDir, seed);
        var source = DemoAssets.SampleImage();
        ImageCodec.SavePng(source, Path.Combine(dir, "source.png"));
        var ellipse = DemoAssets.EllipseMask(source.Width, source.Height);
        MaskImage.Save(ellipse, Path.Combine(dir, "mask.png"));
        var embeddings = TinyKontextModel.RandomEmbeddings(8, seed);
        embeddings.Save(Path.Combine(dir, "prompt.safetensors"));

        string adapterDir = Path.Combine(dir, "adapter");
        RegionAdapterFiles.WriteRandom(RegionAdapterFiles.ForBackbone(modelDir), adapterDir, (int)(seed & 0x7fffffff), DType.F32);

        var user = MaskSource.FromTensor(ellipse);
        var runs = new (string Name, string Title, MaskSource Mask, BlendOptions? Blend, GragSettings? Grag, bool Composite, bool Adapter)[]
        {
            ("none", "mask source: none", MaskSource.None, null, null, false, false),
            ("user-mask-composite", "user mask (ellipse), no blend, pixel composite outside the mask", user, null, null, true, false),
            ("user-mask-blend", "user mask + FlowBlend (outside the ellipse = source latents)", user, new BlendOptions(), null, false, false),
            ("user-mask-blend-grag", "user mask + FlowBlend + GRAG (λ 1, δ 1.3)", user, new BlendOptions(), new GragSettings(1f, 1.3f), false, false),
            ("user-mask-adapter", "user mask + region adapter (SpatialGate) + FlowBlend", user, new BlendOptions(), null, false, true),
            ("attention-mask-bias", "mask source: attention maps of text tokens 1–2 (IAM-style, first 3 steps) + region bias + FlowBlend",
                MaskSource.FromAttention([1, 2]), new BlendOptions(), null, false, false),
            ("predicted-mask-adapter", "mask source: the adapter's MaskPredictor (random weights: an arbitrary, often empty mask) + region adapter + FlowBlend", MaskSource.Predicted, new BlendOptions(), null, false, true),
        };
        var rows = new List<DemoReport.Row>();
        using var backend = new CpuBackend();
        using var pipeline = EditPipeline.Open(modelDir, backend, DType.F32, adapterDir);
        foreach (var run in runs)
        {
            var result = pipeline.Edit(new EditRequest
            {
                Image = source,
                Embeddings = embeddings,
                Steps = steps,
                Seed = seed,
                Mask = run.Mask,
                Blend = run.Blend,
                Grag = run.Grag,
                Composite = run.Composite,
                UseAdapter = run.Adapter,
                // One focal point and six clusters: on this tiny random model the defaults (8 focal points, 5 clusters) select every cluster.
                Capture = run.Mask.Kind == MaskSourceKind.Attention
                    ? new AttentionCaptureSettings { Steps = Math.Min(3, steps), Mask = new AttentionMaskSettings { Clusters = 6, FocalTopK = 1 } }
                    : null,
                RegionBias = run.Mask.Kind == MaskSourceKind.Attention ? new RegionBiasSettings { Tokens = [1, 2] } : null,
            }, null, cancellationToken);
            string? map = null;
            if (result.Maps is { } maps)
            {
                map = $"map-{run.Name}.png";
                HeatMaps.SaveHeatMap(AttentionMaskBuilder.TokenScores(maps.TextOnly, [1, 2], maps.GridHeight, maps.GridWidth), result.Source, Path.Combine(dir, map));
            }
            string image = $"out-{run.Name}.png";
            ImageCodec.SavePng(result.Image, Path.Combine(dir, image));
            string? mask = null;
            if (result.PixelMask is not null)
            {
                mask = $"mask-used-{run.Name}.png";
                MaskImage.Save(result.PixelMask, Path.Combine(dir, mask));
            }
            var t = result.Timings;
            rows.Add(new DemoReport.Row(run.Title, image, mask, t.Encode.TotalSeconds, t.Steps.TotalSeconds, t.Decode.TotalSeconds, steps) { MaskSeconds = t.Mask.TotalSeconds, Map = map });
            output.WriteLine($"{run.Title}: {t.Total.TotalSeconds:0.00} s");
        }
        string index = Path.Combine(dir, "index.html");
        DemoReport.Write(index, Notice, "source.png", "mask.png", rows);
        output.WriteLine($"wrote {Path.GetFullPath(index)} and the PNGs in {Path.GetFullPath(dir)}");
        output.WriteLine(Notice);
        return 0;
    }
}
