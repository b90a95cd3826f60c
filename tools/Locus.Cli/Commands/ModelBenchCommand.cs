using System.CommandLine;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;
using Locus.Kernels;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus bench model --arch flux-kontext-dev|qwen-image-edit --device cuda [--blocks N]</c>: seconds per denoising
/// step of a full-size (or N-block) transformer with random bf16 weights generated on the fly, plus the host time to
/// issue the step.
/// </summary>
public static class ModelBenchCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "flux-kontext-dev or qwen-image-edit", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cuda" };
        var blocks = new Option<int?>("--blocks") { Description = "Flux: double blocks (single = 2×); Qwen: blocks (default: all)" };
        var steps = new Option<int>("--steps") { Description = "Timed steps after one warm-up", DefaultValueFactory = _ => 3 };
        var grid = new Option<int>("--grid") { Description = "Packed target/reference grid side (64 = 4096 tokens each)", DefaultValueFactory = _ => 64 };
        var text = new Option<int?>("--text") { Description = "Text tokens (default 512 Flux, 1400 Qwen)" };
        var heads = new Option<int?>("--heads") { Description = "Attention heads (default 24; fewer for CPU-sized runs)" };
        var dtype = new Option<string?>("--dtype") { Description = "f32 or bf16 (default bf16 on cuda, f32 on cpu)" };
        var grag = new Option<string?>("--grag") { Description = "GRAG on the reference keys in every block: LAMBDA,DELTA (default off)" };
        var gragRows = new Option<string>("--grag-rows") { Description = "GRAG query rows: all (official) or target", DefaultValueFactory = _ => "all" };
        var profileHost = new Option<bool>("--profile-host") { Description = "Also print the host time to issue each op kind in one step" };
        var adapter = new Option<bool>("--adapter") { Description = "Also time the step with the region adapter (precomputed c and gates) and the once-per-edit prelude" };
        var adapterBlocks = new Option<string?>("--adapter-blocks") { Description = "With --adapter: all (default) or N (the first N blocks carry an adapter)" };
        var command = new Command("model", "Seconds per denoising step of a Kontext-dev / Qwen-Image-Edit shaped transformer (random weights).")
        {
            arch, device, blocks, steps, grid, text, heads, dtype, grag, gragRows, profileHost, adapter, adapterBlocks,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int? adapted = AdapterOptions(parse.GetValue(adapter), parse.GetValue(adapterBlocks), parse.GetValue(profileHost));
            DType? requested = CliDType.Parse(parse.GetValue(dtype));
            using IBackend backend = BackendFactory.Open(parse.GetValue(device)!, "--device");
            var dt = requested ?? backend.PreferredActivationType;
            var setup = new ModelBenchSetup(parse.GetValue(arch)!, parse.GetValue(blocks), parse.GetValue(grid), parse.GetValue(text), parse.GetValue(heads));
            if (parse.GetValue(grag) is { } gragText)
            {
                var parts = gragText.Split(',');
                if (parts.Length != 2 || !float.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out float lambda)
                    || !float.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out float delta))
                {
                    throw new ArgumentException($"--grag must be LAMBDA,DELTA (two numbers), got '{gragText}'");
                }
                string rows = parse.GetValue(gragRows)!;
                if (rows is not ("all" or "target"))
                {
                    throw new ArgumentException($"--grag-rows must be all or target, got '{rows}'");
                }
                setup = setup with { Grag = new GragOptions { TargetRowsOnly = rows == "target" }, GragScale = (lambda, delta) };
            }
            if (parse.GetValue(adapter))
            {
                var r = AdapterBench.Run(setup, backend, dt, parse.GetValue(steps), parse.InvocationConfiguration.Output, adapted);
                return double.IsNaN(r.UserPreludeSeconds) || double.IsNaN(r.PredictedPreludeSeconds) ? 1 : 0;   // a FAILED prelude line was printed
            }
            ModelBench.Run(setup, backend, dt, parse.GetValue(steps), Console.Out, parse.GetValue(profileHost));
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Checks the adapter options; returns the adapted-block count (null = all).</summary>
    /// <exception cref="ArgumentException">--adapter-blocks without --adapter, not "all" nor a positive integer, or --profile-host with --adapter.</exception>
    private static int? AdapterOptions(bool adapter, string? blocks, bool profileHost)
    {
        if (!adapter)
        {
            return blocks is null ? null : throw new ArgumentException($"--adapter-blocks needs --adapter, got '{blocks}' alone");
        }
        if (profileHost)
        {
            throw new ArgumentException("--profile-host is not supported with --adapter");
        }
        if (blocks is null or "all")
        {
            return null;
        }
        return int.TryParse(blocks, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n : throw new ArgumentException($"--adapter-blocks must be all or a positive number of blocks, got '{blocks}'");
    }
}
