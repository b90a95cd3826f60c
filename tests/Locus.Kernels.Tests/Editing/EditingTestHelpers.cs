using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Tests.Editing;

/// <summary>Runs one-op graphs on a backend and reads the attention fixtures (small F32 safetensors files).</summary>
internal static class EditingTestHelpers
{
    /// <summary>Builds the graph returned by <paramref name="build"/>, feeds <paramref name="inputs"/>, runs it and returns each output as floats.</summary>
    public static float[][] Run(IBackend backend, Func<GraphBuilder, Node[]> build, params (string Name, float[] Values)[] inputs)
    {
        var g = new GraphBuilder();
        var outputs = build(g);
        var graph = g.Build(outputs);
        using var executor = new Executor(graph, backend);
        foreach (var (name, values) in inputs)
        {
            var node = graph.Inputs.Single(n => n.Name == name);
            executor.SetInput(name, HostTensor.FromFloats(node.DType, node.Shape, values));
        }
        executor.Run();
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }

    /// <summary>
    /// The repository root (the folder holding Engine.sln), found by walking up from the test binary, then from the
    /// working directory, then from this source file (builds with an artifacts path outside the repository).
    /// </summary>
    public static string RepoRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = start.Length > 0 ? new DirectoryInfo(start) : null; dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException($"no Engine.sln above {AppContext.BaseDirectory}, {Environment.CurrentDirectory} or {sourceFile}");
    }

    /// <summary>Reads every F32 tensor of a safetensors file: name → (shape, values).</summary>
    public static Dictionary<string, (int[] Shape, float[] Values)> ReadSafetensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, (int[], float[])>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }
            if (entry.Value.GetProperty("dtype").GetString() != "F32")
            {
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' is not F32");
            }
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var data = bytes.AsSpan((int)(8 + headerLength + offsets[0]), (int)(offsets[1] - offsets[0]));
            var values = new float[data.Length / 4];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i * 4, 4));
            }
            result[entry.Name] = (shape, values);
        }
        return result;
    }
}
