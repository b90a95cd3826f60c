using System.CommandLine;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;

namespace Locus.Cli.Commands;

/// <summary><c>locus adapter init</c>: writes a randomly initialised region-aware adapter matching a backbone.</summary>
public static class AdapterCommand
{
    public static Command Create()
    {
        var command = new Command("adapter", "Region-aware adapter files (region_adapter.safetensors + region_adapter.json).");
        command.Subcommands.Add(Init());
        return command;
    }

    /// <summary>Writes the adapter for the backbone in <paramref name="modelDir"/> and prints a one-line summary; returns the exit code.</summary>
    public static int RunInit(string modelDir, string outDir, int seed, string dtype, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var dt = dtype switch
        {
            "bf16" => DType.BF16,
            "f32" => DType.F32,
            _ => throw new ArgumentException($"--dtype must be bf16 or f32, got '{dtype}'", nameof(dtype)),
        };
        var config = RegionAdapterFiles.ForBackbone(modelDir);
        RegionAdapterFiles.WriteRandom(config, outDir, seed, dt);
        output.WriteLine($"wrote {Path.Combine(outDir, RegionAdapterFiles.WeightsFile)}: {RegionAdapterWeights.Shapes(config).Count} tensors, "
            + $"{RegionAdapterWeights.ParameterCount(config)} parameters (D = {config.HiddenSize}, {config.AdaptedBlocks.Count} adapted blocks, seed {seed})");
        return 0;
    }

    private static Command Init()
    {
        var model = new Option<string>("--model") { Description = "Backbone folder with the transformer config.json (or DIR/transformer/config.json)", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype: bf16 or f32", DefaultValueFactory = _ => "bf16" };
        var init = new Command("init", "Write a randomly initialised adapter (random matrices, unit norms, zero biases, near-closed gates).") { model, output, seed, dtype };
        init.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            return CliErrors.Run(() => RunInit(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(dtype)!, config.Output), config.Error);
        });
        return init;
    }
}
