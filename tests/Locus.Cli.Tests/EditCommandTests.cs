using System.CommandLine;
using Locus.Engine.IO.Images;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Cli.Tests;

public sealed class EditCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "locus-edit-cli-" + Guid.NewGuid().ToString("N"));

    public EditCommandTests()
    {
        TinyKontextModel.Write(Path.Combine(_dir, "model"), seed: 3);
        var rgb = new byte[40 * 24 * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)(i * 7 % 251);
        }
        ImageCodec.SavePng(new Rgb8Image(40, 24, rgb), Path.Combine(_dir, "in.png"));
        TinyKontextModel.RandomEmbeddings(4, 9).Save(Path.Combine(_dir, "prompt.safetensors"));
        var mask = new byte[40 * 24 * 3];
        for (int p = 0; p < 40 * 24; p++)
        {
            byte v = p % 40 < 20 ? (byte)255 : (byte)0;
            mask[p * 3] = mask[p * 3 + 1] = mask[p * 3 + 2] = v;
        }
        ImageCodec.SavePng(new Rgb8Image(40, 24, mask), Path.Combine(_dir, "mask.png"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Edit_TinyModelWithMaskBlendGrag_WritesImageMaskAndProgressLines()
    {
        string output = P("out.png"), savedMask = P("used.png");
        var (code, stdout, stderr) = Invoke("edit", "--model", P("model"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", output,
            "--mask", P("mask.png"), "--blend", "--grag", "1,1.2", "--steps", "2", "--seed", "5", "--save-mask", savedMask, "--size", "auto");
        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        var image = ImageCodec.Load(output);
        Assert.Equal((48, 32), (image.Width, image.Height));   // 40×24 → nearest multiples of 16
        var mask = MaskImage.Load(savedMask);
        Assert.Equal(new Engine.Tensors.Shape(32, 48), mask.Shape);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^loading weights \(\d+\.\d MB\)…$", lines[0]);
        Assert.Equal("encoding the source (VAE)…", lines[1]);
        Assert.StartsWith("step 1/2", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("step 2/2", lines[3], StringComparison.Ordinal);
        Assert.Contains("it/s", lines[2], StringComparison.Ordinal);
        Assert.Equal("decoding (VAE)…", lines[4]);
        Assert.StartsWith($"wrote {output} (48×32, seed 5): load ", lines[5], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "0", "error: --steps must be ≥ 1, got 0")]
    [InlineData("--device", "tpu", "error: --device 'tpu' is not one of cpu, cuda, auto, reference or cuda:N")]
    [InlineData("--grag", "1", "error: --grag must be two numbers LAMBDA,DELTA, got '1'")]
    [InlineData("--predict-mask", null, "error: --predict-mask needs --adapter DIR")]
    [InlineData("--true-cfg", "-1", "error: --true-cfg must be a finite number ≥ 0, got -1")]
    [InlineData("--attention-mask", "3,x", "error: --attention-mask must be a comma-separated list of token indices ≥ 0, got '3,x'")]
    [InlineData("--attention-mask", "9", "error: attention mask token 9 is outside the prompt's 4 text tokens")]
    [InlineData("--region-bias", null, "error: --region-bias needs a mask source")]
    [InlineData("--capture-steps", "0", "error: --capture-steps must be ≥ 1, got 0")]
    [InlineData("--size", "huge", "error: --size must be auto, kontext, area, area:PIXELS or WxH, got 'huge'")]
    [InlineData("--size", "100x64", "error: --size '100x64': an exact size must be a multiple of 16 in [16, 8192]")]
    [InlineData("--blend", null, "error: --blend, --composite and --save-mask need a mask source")]
    [InlineData("--adapter", "/nonexistent-adapter", "error: --adapter: folder '/nonexistent-adapter' does not exist")]
    public void Edit_BadArgument_OneErrorLineExit2(string option, string? value, string expected)
    {
        var args = new List<string> { "edit", "--model", P("model"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", P("o.png"), option };
        if (value is not null)
        {
            args.Add(value);
        }
        var (code, _, stderr) = Invoke([.. args]);
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(P("o.png")));
    }

    [Fact]
    public void Edit_AdapterPredictMaskBlend_WritesImageAndBinaryMask()
    {
        string adapter = P("adapter"), output = P("pred.png"), savedMask = P("pred-mask.png");
        Assert.Equal(0, Invoke("adapter", "init", "--model", P("model"), "--out", adapter, "--seed", "3").Code);
        var (code, stdout, stderr) = Invoke("edit", "--model", P("model"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", output,
            "--adapter", adapter, "--predict-mask", "--blend", "--steps", "2", "--save-mask", savedMask);
        Assert.True(code == 0, stderr);
        Assert.Contains("region adapter", stdout, StringComparison.Ordinal);
        Assert.All(MaskImage.Load(savedMask).ToFloatArray(), v => Assert.True(v is 0f or 1f));
        Assert.Equal((48, 32), (ImageCodec.Load(output).Width, ImageCodec.Load(output).Height));
    }

    [Fact]
    public void Edit_AttentionMaskRegionBiasSaveMaps_WritesHeatMapsAndMask()
    {
        string maps = P("maps"), output = P("att.png"), savedMask = P("att-mask.png");
        var (code, stdout, stderr) = Invoke("edit", "--model", P("model"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", output,
            "--attention-mask", "1,2", "--capture-steps", "1", "--region-bias", "--blend", "--steps", "2", "--save-mask", savedMask, "--save-maps", maps);
        Assert.True(code == 0, stderr);
        Assert.Contains("token heat maps", stdout, StringComparison.Ordinal);
        foreach (string png in new[] { "token-000.png", "token-003.png", "instruction.png", "mask.png" })
        {
            var image = ImageCodec.Load(Path.Combine(maps, png));
            Assert.Equal((48, 32), (image.Width, image.Height));
        }
        Assert.All(MaskImage.Load(savedMask).ToFloatArray(), v => Assert.True(v is 0f or 1f));
    }

    [Fact]
    public void Edit_TwoMaskSources_OneErrorLine()
    {
        var (code, _, stderr) = Invoke("edit", "--model", P("model"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", P("o.png"),
            "--mask", P("mask.png"), "--predict-mask", "--adapter", P("model"));
        Assert.Equal(2, code);
        Assert.Equal("error: give at most one mask source: --mask, --predict-mask or --attention-mask", stderr.Trim());
    }

    [Fact]
    public void Edit_MissingEmbedsTensor_OneErrorLineNamingFileAndTensor()
    {
        string bad = P("bad.safetensors");
        Engine.IO.Safetensors.SafetensorsWriter.Write(bad, [new("pooled_prompt_embeds", new Engine.Tensors.HostTensor(Engine.Tensors.DType.F32, new Engine.Tensors.Shape(1, 24)))]);
        var (code, _, stderr) = Invoke("edit", "--model", P("model"), "--image", P("in.png"), "--embeds", bad, "--out", P("o.png"));
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {bad}: tensor 'prompt_embeds' is missing", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_MissingModelFolder_OneErrorLine()
    {
        var (code, _, stderr) = Invoke("edit", "--model", P("nope"), "--image", P("in.png"), "--embeds", P("prompt.safetensors"), "--out", P("o.png"));
        Assert.Equal(2, code);
        Assert.Equal($"error: --model: folder '{P("nope")}' does not exist", stderr.Trim());
    }

    private string P(string name) => Path.Combine(_dir, name);

    internal static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString().Replace("\r", "", StringComparison.Ordinal), error.ToString());
    }
}
