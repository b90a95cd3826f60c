using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Tests.Core;

/// <summary>Runs a one-output graph on a backend with given float inputs (helpers for the Core family tests).</summary>
internal static class CoreTestGraphs
{
    /// <summary>Builds the graph with <paramref name="build"/>, binds <paramref name="inputs"/> (converted to each input's dtype) and returns the output as floats.</summary>
    public static float[] Run(IBackend backend, Func<GraphBuilder, Node> build, params (string Name, float[] Values)[] inputs)
    {
        var g = new GraphBuilder();
        var output = build(g);
        using var executor = new Executor(g.Build(output), backend);
        foreach (var (name, values) in inputs)
        {
            var node = g.Inputs[name];
            executor.SetInput(name, HostTensor.FromFloats(node.DType, node.Shape, values));
        }
        executor.Run();
        return executor.Read(output).ToFloatArray();
    }

    /// <summary>The repository root (the folder with Engine.sln), found by walking up from the test binaries.</summary>
    /// Falls back to this source file's compile-time folder when the binaries live outside the repo (--artifacts-path).
    public static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" }.Where(s => s.Length > 0))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException($"no Engine.sln above {AppContext.BaseDirectory} or {source}");
    }

    /// <summary>Path of a fixture file under tests/fixtures.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([RepoRoot(), "tests", "fixtures", .. parts]);

    /// <summary>Seeded N(0, 1)·scale values.</summary>
    public static float[] Random(int count, int seed, float scale = 1f) => Kernels.Parity.ParityRunner.Normal(new Random(seed), count, scale);
}
