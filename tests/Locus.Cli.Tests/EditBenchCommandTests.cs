using Xunit;

namespace Locus.Cli.Tests;

public sealed class EditBenchCommandTests
{
    [Fact]
    public void BenchEdit_TinyCpuWithUserMask_PrintsEveryStage()
    {
        var (code, output, error) = EditCommandTests.Invoke("bench", "edit", "--device", "cpu", "--size", "32", "--steps", "2", "--blocks", "1", "--heads", "1",
            "--text-tokens", "4", "--vae-width", "8", "--mask-source", "user", "--blend");
        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("edit 32² on cpu (F32), Kontext-shaped: 1 double + 2 single blocks", lines[0], StringComparison.Ordinal);
        foreach (string stage in new[] { "prepare", "encode", "mask", "2 steps", "s/step", "decode", "total" })
        {
            Assert.Contains(stage, lines[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BenchEdit_TinyQwenWithTrueCfg_PrintsEveryStage()
    {
        var (code, output, error) = EditCommandTests.Invoke("bench", "edit", "--arch", "qwen-image-edit", "--device", "cpu", "--size", "32", "--steps", "2",
            "--blocks", "1", "--heads", "1", "--text-tokens", "6", "--vae-width", "8", "--true-cfg", "4", "--mask-source", "attention", "--blend");
        Assert.True(code == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("edit 32² on cpu (F32), Qwen-Image-Edit-shaped: 1 blocks, 1 heads, VAE base 8", lines[0], StringComparison.Ordinal);
        Assert.Contains("true CFG 4", lines[0], StringComparison.Ordinal);
        Assert.Contains("2 steps", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--arch", "sd3", "error: --arch must be flux-kontext-dev or qwen-image-edit, got 'sd3'")]
    [InlineData("--size", "30", "error: --size must be a positive multiple of 16")]
    [InlineData("--mask-source", "magic", "error: --mask-source must be none, user or attention, got 'magic'")]
    [InlineData("--dtype", "f16", "error: --dtype must be f32 or bf16, got 'f16'")]
    [InlineData("--grag", "1", "error: --grag must be two numbers LAMBDA,DELTA, got '1'")]
    public void BenchEdit_BadOption_OneErrorLine(string option, string value, string expected)
    {
        var options = new Dictionary<string, string>
        {
            ["--device"] = "cpu", ["--size"] = "32", ["--steps"] = "1", ["--blocks"] = "1", ["--heads"] = "1", ["--text-tokens"] = "4", ["--vae-width"] = "8",
        };
        options[option] = value;
        var (code, _, error) = EditCommandTests.Invoke(["bench", "edit", .. options.SelectMany(p => new[] { p.Key, p.Value })]);
        Assert.Equal(2, code);
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
