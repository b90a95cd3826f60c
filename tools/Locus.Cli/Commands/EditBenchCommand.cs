using System.CommandLine;
using System.Globalization;
using Locus.Engine.Tensors;
using Locus.Kernels;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

/// <summary><c>locus bench edit</c>: end-to-end edit seconds per stage with a random-weight Kontext-shaped model (<see cref="EditBench"/>).</summary>
public static class EditBenchCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "flux-kontext-dev or qwen-image-edit", DefaultValueFactory = _ => "flux-kontext-dev" };
        var trueCfg = new Option<float>("--true-cfg") { Description = "True CFG scale (> 1: negative embeddings, two passes per step; Qwen-Image-Edit uses 4)", DefaultValueFactory = _ => 1f };
        var size = new Option<int>("--size") { Description = "Image side in pixels (multiple of 16)", DefaultValueFactory = _ => 1024 };
        var steps = new Option<int>("--steps") { Description = "Denoising steps of the timed edit", DefaultValueFactory = _ => 28 };
        var blocks = new Option<int?>("--blocks") { Description = "Flux: double blocks (single = 2×, capped at 19/38); Qwen: blocks (≤ 60); default the full model" };
        var heads = new Option<int?>("--heads") { Description = "Attention heads (×128 = width); default 24" };
        var text = new Option<int>("--text-tokens") { Description = "Text tokens", DefaultValueFactory = _ => 512 };
        var vaeWidth = new Option<int?>("--vae-width") { Description = "VAE base channels (default the real VAE: 128 FLUX, 96 Qwen)" };
        var mask = new Option<string>("--mask-source") { Description = "none, user (an ellipse) or attention", DefaultValueFactory = _ => "none" };
        var blend = new Option<bool>("--blend") { Description = "FlowBlend with the mask" };
        var grag = new Option<string?>("--grag") { Description = "GRAG LAMBDA,DELTA" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cuda" };
        var dtype = new Option<string>("--dtype") { Description = "f32 or bf16 (default bf16 on cuda, f32 on cpu)" };
        var command = new Command("edit", "End-to-end edit seconds per stage (encode, mask, steps, decode) of a random-weight Kontext- or Qwen-Image-Edit-shaped model.")
        {
            arch, size, steps, blocks, heads, text, vaeWidth, mask, blend, grag, trueCfg, device, dtype,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string dev = parse.GetValue(device)!;
            BackendFactory.ValidateName(dev, "--device");
            DType? dt = CliDType.Parse(parse.GetValue(dtype));
            (float, float)? g = null;
            if (parse.GetValue(grag) is { } text2)
            {
                var parts = text2.Split(',');
                if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float l)
                    || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float d))
                {
                    throw new ArgumentException($"--grag must be two numbers LAMBDA,DELTA, got '{text2}'");
                }
                g = (l, d);
            }
            var setup = new EditBench.Setup(parse.GetValue(size), parse.GetValue(steps), parse.GetValue(blocks), parse.GetValue(heads), parse.GetValue(text),
                parse.GetValue(mask)!, parse.GetValue(blend), g, parse.GetValue(vaeWidth), parse.GetValue(arch)!, parse.GetValue(trueCfg));
            using var backend = BackendFactory.Open(dev, "--device");
            EditBench.Run(setup, backend, dt ?? backend.PreferredActivationType, parse.InvocationConfiguration.Output);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }
}
