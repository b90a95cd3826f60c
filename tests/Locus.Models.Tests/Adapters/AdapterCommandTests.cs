using System.CommandLine;
using Locus.Cli;
using Locus.Models.Adapters;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary><c>locus adapter init</c> through the CLI root.</summary>
public sealed class AdapterCommandTests
{
    [Fact]
    public void AdapterInit_QwenFolder_WritesBothFilesAndExitsZero()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"locus-adapter-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "m", "transformer"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "m", "transformer", "config.json"),
                """{"_class_name":"QwenImageTransformer2DModel","num_layers":2,"attention_head_dim":8,"num_attention_heads":2,"joint_attention_dim":24,"in_channels":64,"out_channels":16,"axes_dims_rope":[2,2,4]}""");
            var (code, output, error) = Invoke("adapter", "init", "--model", Path.Combine(dir, "m"), "--out", Path.Combine(dir, "out"), "--seed", "9");
            Assert.True(code == 0, error);
            Assert.Contains("2 adapted blocks", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "out", RegionAdapterFiles.WeightsFile)));
            Assert.Equal(16, RegionAdapterConfig.Load(Path.Combine(dir, "out", RegionAdapterFiles.ConfigFile)).HiddenSize);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AdapterInit_NoConfig_OneErrorLineExitTwo()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"locus-missing-{Guid.NewGuid():N}");
        var (code, _, error) = Invoke("adapter", "init", "--model", missing, "--out", missing + "-out");
        Assert.Equal(2, code);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
        Assert.Contains("config.json", error, StringComparison.Ordinal);
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
