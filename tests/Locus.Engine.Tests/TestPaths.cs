using System.Runtime.CompilerServices;

namespace Locus.Engine.Tests;

/// <summary>Repository paths and scratch directories for tests.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root (the folder holding Engine.sln).</summary>
    public static string RepoRoot => s_root.Value;

    /// <summary>tests/fixtures/&lt;relative&gt;.</summary>
    public static string Fixture(string relative) => Path.Combine(RepoRoot, "tests", "fixtures", relative);

    /// <summary>The tiny Flux Kontext weights written by diffusers.</summary>
    public static string FluxTinyWeights => Fixture(Path.Combine("diffusers", "flux_kontext_tiny", "weights.safetensors"));

    /// <summary>Walks up from the test binaries, then (for builds with an artifacts path outside the repo) from this source file.</summary>
    private static string FindRoot() =>
        Above(AppContext.BaseDirectory) ?? Above(Path.GetDirectoryName(SourceFile())!)
        ?? throw new InvalidOperationException($"no Engine.sln above {AppContext.BaseDirectory} or {SourceFile()}");

    private static string? Above(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
