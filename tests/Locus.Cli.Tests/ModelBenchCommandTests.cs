using System.CommandLine;
using Xunit;

namespace Locus.Cli.Tests;

/// <summary><c>locus bench model --adapter</c>: option parsing, one error line per bad value, a tiny CPU run.</summary>
public sealed class ModelBenchCommandTests
{
    private static readonly string[] Tiny = ["bench", "model", "--arch", "qwen-image-edit", "--blocks", "2", "--grid", "2", "--text", "4", "--heads", "2", "--device", "cpu", "--steps", "1"];

    [Fact]
    public void BenchModelAdapter_TinyQwen_PrintsBothStepsOverheadAndPreludeShares()
    {
        var (code, stdout, stderr) = Invoke([.. Tiny, "--adapter", "--adapter-blocks", "1"]);
        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        Assert.Contains("1 of 2 blocks adapted", stdout, StringComparison.Ordinal);
        Assert.Contains("backbone step ", stdout, StringComparison.Ordinal);
        Assert.Matches(@"adapted step +\d+\.\d{4} s .*adapter overhead [+-]\d+\.\d%", stdout);
        Assert.Matches(@"prelude, user mask +\d+\.\d{4} s = \d+\.\d\d% of a backbone step", stdout);
        Assert.Matches(@"prelude, predicted mask \d+\.\d{4} s = \d+\.\d\d% of a backbone step", stdout);
    }

    [Theory]
    [InlineData("error: --adapter-blocks must be all or a positive number of blocks, got '0'", "--adapter", "--adapter-blocks", "0")]
    [InlineData("error: --adapter-blocks must be all or a positive number of blocks, got 'half'", "--adapter", "--adapter-blocks", "half")]
    [InlineData("error: --adapter-blocks must be all or a positive number of blocks, got '-3'", "--adapter", "--adapter-blocks", "-3")]
    [InlineData("error: --adapter-blocks needs --adapter, got '3' alone", "--adapter-blocks", "3")]
    [InlineData("error: --profile-host is not supported with --adapter", "--adapter", "--profile-host")]
    [InlineData("error: adapted blocks 7 must be in [1, 2] (the qwen-image-edit setup has 2 blocks)", "--adapter", "--adapter-blocks", "7")]
    public void BenchModelAdapter_BadValue_OneErrorLineExit2(string expected, params string[] extra)
    {
        var (code, stdout, stderr) = Invoke([.. Tiny, .. extra]);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Equal(expected, stderr.TrimEnd('\r', '\n'));
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
