using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels;
using Locus.Kernels.Cpu;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Locus.Models.Vae;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus forward</c>: one forward of a diffusers-format transformer (Flux / Qwen-Image) or VAE on tensors from a
/// safetensors file named like the reference fixtures; writes the outputs under the fixture names.
/// </summary>
public static class ForwardCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint: a .safetensors file, a *.index.json or a diffusers component folder", Required = true };
        var config = new Option<string?>("--config") { Description = "diffusers config.json (or a fixture CASE.json); default: config.json next to the weights, else detected from the weights" };
        var inputs = new Option<string>("--inputs") { Description = "safetensors with the forward inputs (hidden_states, encoder_hidden_states, timestep, … / image / decoder_input_latent)", Required = true };
        var output = new Option<string>("--out") { Description = "safetensors to write (sample [+ sample_zero_cond_t] / latent_dist_mean / decoded)", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA when usable, else the CPU)", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "activation dtype f32 or bf16 (default f32 on cpu, bf16 on cuda)" };
        var imgShapes = new Option<string?>("--img-shapes") { Description = "Qwen image shapes in packed tokens, target first: FxHxW,FxHxW (default: two equal square grids)" };
        var grag = new Option<string?>("--grag") { Description = "GRAG on the reference keys: LAMBDA,DELTA" };
        var gragRows = new Option<string>("--grag-rows") { Description = "GRAG query rows: all (official) or target", DefaultValueFactory = _ => "all" };
        var gragText = new Option<string?>("--grag-text") { Description = "GRAG text key group: B,D (default none = identity)" };
        var zeroCond = new Option<bool>("--zero-cond-t") { Description = "Qwen: also write sample_zero_cond_t (reference tokens modulated with t = 0)" };
        var command = new Command("forward", "Run one transformer or VAE forward on fixture-named inputs and write the outputs.")
        {
            model, config, inputs, output, device, dtype, imgShapes, grag, gragRows, gragText, zeroCond,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var request = new ForwardRequest(parse.GetValue(model)!, parse.GetValue(config), parse.GetValue(inputs)!, parse.GetValue(output)!,
                parse.GetValue(device)!, parse.GetValue(dtype), parse.GetValue(imgShapes), parse.GetValue(grag), parse.GetValue(gragRows)!,
                parse.GetValue(gragText), parse.GetValue(zeroCond));
            var written = Execute(request);
            Console.WriteLine($"wrote {string.Join(", ", written)} to {request.Out}");
            return 0;
        }));
        return command;
    }

    /// <summary>The parsed arguments.</summary>
    public sealed record ForwardRequest(string Model, string? Config, string Inputs, string Out, string Device, string? DType, string? ImgShapes,
        string? Grag, string GragRows, string? GragText, bool ZeroCondT);

    /// <summary>Runs the forward and writes the outputs; returns their names.</summary>
    /// <exception cref="ArgumentException">Bad arguments (named).</exception>
    public static IReadOnlyList<string> Execute(ForwardRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!File.Exists(r.Model) && !Directory.Exists(r.Model))
        {
            throw new ArgumentException($"--model: '{r.Model}' does not exist");
        }
        if (!File.Exists(r.Inputs))
        {
            throw new ArgumentException($"--inputs: '{r.Inputs}' does not exist");
        }
        BackendFactory.ValidateName(r.Device, "--device");
        DType? requestedDType = CliDType.Parse(r.DType);
        var grag = ParseGrag(r);
        Dictionary<string, HostTensor> io;
        using (var file = SafetensorsFile.Open(r.Inputs))
        {
            io = file.Tensors.ToDictionary(e => e.Name, file.Read, StringComparer.Ordinal);
        }
        using var store = WeightStore.Open(r.Model);
        var catalog = new WeightStoreCatalog(store);
        var (kind, configJson, configSource) = Identify(r, catalog);
        using var backend = BackendFactory.Open(r.Device, "--device");
        DType dtype = requestedDType ?? backend.PreferredActivationType;
        var outputs = kind switch
        {
            "flux" => ForwardRunner.Flux(configJson is null ? FluxTransformerConfig.DetectFromWeights(catalog) : FluxTransformerConfig.FromJsonText(configJson, configSource),
                store, io, backend, dtype, grag),
            "qwen" => ForwardRunner.Qwen(configJson is null ? QwenImageTransformerConfig.DetectFromWeights(catalog) : QwenImageTransformerConfig.FromJsonText(configJson, configSource),
                store, io, backend, dtype, grag, ParseShapes(r.ImgShapes, io), r.ZeroCondT),
            _ => ForwardRunner.Vae(configJson is null ? AutoencoderKlConfig.Flux : AutoencoderKlConfig.FromJsonText(configJson, configSource), store, io, backend, dtype),
        };
        SafetensorsWriter.Write(r.Out, outputs);
        return outputs.Keys.ToArray();
    }

    /// <summary>(kind, config JSON text or null, source) from --config, config.json beside the weights, or the weight names.</summary>
    private static (string Kind, string? Json, string Source) Identify(ForwardRequest r, IWeightCatalog catalog)
    {
        string? path = r.Config;
        if (path is null)
        {
            string dir = Directory.Exists(r.Model) ? r.Model : Path.GetDirectoryName(Path.GetFullPath(r.Model))!;
            string candidate = Path.Combine(dir, "config.json");
            path = File.Exists(candidate) ? candidate : null;
        }
        else if (!File.Exists(path))
        {
            throw new ArgumentException($"--config: '{path}' does not exist");
        }
        string? json = null;
        string? className = null;
        if (path is not null)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("config", out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                root = nested; // a fixture CASE.json
            }
            json = root.GetRawText();
            className = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("_class_name", out var cn) ? cn.GetString() : null;
        }
        string kind = className switch
        {
            "FluxTransformer2DModel" => "flux",
            "QwenImageTransformer2DModel" => "qwen",
            "AutoencoderKL" => "vae",
            null => catalog.TryGetInfo("x_embedder.weight", out _, out _) ? "flux"
                : catalog.TryGetInfo("img_in.weight", out _, out _) ? "qwen"
                : catalog.TryGetInfo("decoder.conv_in.weight", out _, out _) || catalog.TryGetInfo("encoder.conv_in.weight", out _, out _) ? "vae"
                : throw new ArgumentException($"--model: cannot tell the model type of {catalog.Source} (no config and no x_embedder/img_in/encoder weights)"),
            _ => throw new ArgumentException($"--config: model class '{className}' is not supported (Flux, Qwen-Image transformer or AutoencoderKL)"),
        };
        return (kind, json, path ?? catalog.Source);
    }

    private static (GragOptions Options, HostTensor Scales)? ParseGrag(ForwardRequest r)
    {
        bool targetRows = r.GragRows switch
        {
            "all" => false,
            "target" => true,
            _ => throw new ArgumentException($"--grag-rows must be all or target, got '{r.GragRows}'"),
        };
        if (r.Grag is null)
        {
            return r.GragText is null ? null : throw new ArgumentException("--grag-text needs --grag");
        }
        var (l, d) = Pair(r.Grag, "--grag");
        var options = new GragOptions { TargetRowsOnly = targetRows, TextGroup = r.GragText is not null };
        var (tl, td) = r.GragText is null ? (1f, 1f) : Pair(r.GragText, "--grag-text");
        return (options, options.Scales(l, d, tl, td));
    }

    private static (float, float) Pair(string text, string option)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float a)
            || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float b) || !float.IsFinite(a) || !float.IsFinite(b))
        {
            throw new ArgumentException($"{option} must be two numbers A,B, got '{text}'");
        }
        return (a, b);
    }

    private static (int, int, int)[] ParseShapes(string? text, IReadOnlyDictionary<string, HostTensor> io)
    {
        if (text is null)
        {
            int n = io.TryGetValue("hidden_states", out var hs) && hs.Shape.Rank == 3 ? hs.Shape[1] : 0;
            int side = (int)Math.Round(Math.Sqrt(n / 2.0));
            if (n == 0 || 2 * side * side != n)
            {
                throw new ArgumentException($"--img-shapes is required: {n} image tokens are not two equal square grids");
            }
            return [(1, side, side), (1, side, side)];
        }
        return text.Split(',').Select(s =>
        {
            var p = s.Split('x');
            if (p.Length != 3 || !p.All(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
            {
                throw new ArgumentException($"--img-shapes entries must be FxHxW with positive integers, got '{s}'");
            }
            return (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture));
        }).ToArray();
    }
}
