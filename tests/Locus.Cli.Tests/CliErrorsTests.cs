using Xunit;

namespace Locus.Cli.Tests;

public sealed class CliErrorsTests
{
    [Fact]
    public void Run_ArgumentException_OneLineWithoutTheParameterSuffix_Exit2()
    {
        var error = new StringWriter();
        int code = CliErrors.Run(() => throw new ArgumentException("attention capture layer 99 is outside [0, 2)", "Layers"), error);
        Assert.Equal(2, code);
        Assert.Equal("error: attention capture layer 99 is outside [0, 2)\n", error.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ArgumentOutOfRange_KeepsTheActualValue()
    {
        var error = new StringWriter();
        CliErrors.Run(() => throw new ArgumentOutOfRangeException("request", 1, "needs at least 2 steps"), error);
        Assert.Equal("error: needs at least 2 steps (got 1)", error.ToString().Trim());
    }

    [Fact]
    public void Run_OtherException_MessageUnchanged()
    {
        var error = new StringWriter();
        CliErrors.Run(() => throw new InvalidDataException("line one\nline two"), error);
        Assert.Equal("error: line one line two", error.ToString().Trim());
    }
}
