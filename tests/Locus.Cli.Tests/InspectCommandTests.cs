using System.CommandLine;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Xunit;

namespace Locus.Cli.Tests;

public sealed class InspectCommandTests
{
    [Fact]
    public void Inspect_FixtureWeights_ListsEveryTensorAndTotals()
    {
        var (code, output, error) = Invoke("inspect", FluxTinyWeights);
        Assert.Equal(0, code);
        Assert.Empty(error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 112 tensors (read from the file with Python json/struct) + one totals line.
        Assert.Equal(113, lines.Length);
        Assert.Matches(@"^x_embedder\.weight\s+F32\s+\[32, 16\]\s+2048$", lines.Single(l => l.StartsWith("x_embedder.weight ", StringComparison.Ordinal)).TrimEnd());
        Assert.StartsWith("112 tensors, 131920 parameters, 527680 bytes", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_Directory_ListsAllFiles()
    {
        var (code, output, _) = Invoke("inspect", Path.GetDirectoryName(FluxTinyWeights)!);
        Assert.Equal(0, code);
        Assert.Contains("x_embedder.weight", output, StringComparison.Ordinal);
        Assert.Matches(@"\d+ tensors, \d+ parameters, \d+ bytes in [2-9] file\(s\)", output);
    }

    [Fact]
    public void Inspect_TruncatedFile_PrintsOneErrorLineAndExits2()
    {
        string dir = Path.Combine(Path.GetTempPath(), "locus-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "truncated.safetensors");
            byte[] full = File.ReadAllBytes(FluxTinyWeights);
            File.WriteAllBytes(path, full[..(full.Length / 2)]);
            var (code, output, error) = Invoke("inspect", path);
            Assert.Equal(2, code);
            Assert.Empty(output);
            string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"error: {path}: ", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Inspect_MissingFile_PrintsOneErrorLineAndExits2()
    {
        var (code, _, error) = Invoke("inspect", "/nonexistent/w.safetensors");
        Assert.Equal(2, code);
        Assert.Equal("error: /nonexistent/w.safetensors: no such file or directory", error.Trim());
    }

    [Fact]
    public void Inspect_BuiltExecutable_ExitsWith2OnBadFile()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "locus.dll");
        Assert.SkipUnless(File.Exists(dll), $"{dll} not built next to the tests");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("inspect");
        info.ArgumentList.Add("/nonexistent/w.safetensors");
        using var process = Process.Start(info)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Equal("error: /nonexistent/w.safetensors: no such file or directory", stderr.Trim());
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString().Replace("\r", "", StringComparison.Ordinal), error.ToString());
    }

    private static string FluxTinyWeights =>
        Path.Combine(RepoRoot(), "tests", "fixtures", "diffusers", "flux_kontext_tiny", "weights.safetensors");

    private static string RepoRoot([CallerFilePath] string source = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Engine.sln not found");
    }
}
