using Locus.Cli.Commands;
using Locus.Engine.IO.Safetensors;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class ForwardCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("locus-forward-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (int Code, string Error) Invoke(params string[] args)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            int code = ForwardCommand.Create().Parse(args).Invoke();
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public void Forward_FluxFixture_ReproducesSample()
    {
        string outPath = Path.Combine(_dir.FullName, "out.safetensors");
        var (code, error) = Invoke("--model", ModelFixtures.Flux("weights.safetensors"), "--config", ModelFixtures.Flux("CASE.json"),
            "--inputs", ModelFixtures.Flux("io.safetensors"), "--out", outPath);
        Assert.True(code == 0, error);
        using var file = SafetensorsFile.Open(outPath);
        var expected = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"))["sample"];
        double err = ModelFixtures.RelError(file.Read("sample"), expected);
        Assert.True(err <= 1e-5, $"sample rel err {err:E3}");
    }

    [Fact]
    public void Forward_QwenFixtureWithGragAndZeroCondT_ReproducesFixtures()
    {
        string outPath = Path.Combine(_dir.FullName, "out.safetensors");
        var (code, error) = Invoke("--model", ModelFixtures.Qwen("weights.safetensors"), "--config", ModelFixtures.Qwen("CASE.json"),
            "--inputs", ModelFixtures.Qwen("io.safetensors"), "--out", outPath, "--img-shapes", "1x4x4,1x4x4", "--grag", "0.9,1.25", "--zero-cond-t");
        Assert.True(code == 0, error);
        using var file = SafetensorsFile.Open(outPath);
        var grag = ModelFixtures.Load(ModelFixtures.Grag("outputs.safetensors"))["sample.grag_0.9_1.25"];
        Assert.True(ModelFixtures.RelError(file.Read("sample"), grag) <= 1e-5);
        Assert.Equal(new Engine.Tensors.Shape(2, 32, 16), file.Read("sample_zero_cond_t").Shape);
    }

    [Theory]
    [InlineData("--device", "tpu", "--device")]
    [InlineData("--dtype", "f8", "--dtype")]
    [InlineData("--grag", "1.0", "--grag")]
    [InlineData("--grag-rows", "some", "--grag-rows")]
    [InlineData("--img-shapes", "1x4", "--img-shapes")]
    public void Forward_BadArgument_PrintsOneErrorLineAndExits2(string option, string value, string expected)
    {
        var (code, error) = Invoke("--model", ModelFixtures.Qwen("weights.safetensors"), "--config", ModelFixtures.Qwen("CASE.json"),
            "--inputs", ModelFixtures.Qwen("io.safetensors"), "--out", Path.Combine(_dir.FullName, "o.safetensors"), option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_MissingModel_PrintsError()
    {
        var (code, error) = Invoke("--model", Path.Combine(_dir.FullName, "nope"), "--inputs", ModelFixtures.Qwen("io.safetensors"), "--out", "x.safetensors");
        Assert.Equal(2, code);
        Assert.Contains("--model", error, StringComparison.Ordinal);
    }
}
