using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Parity;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>Runs a graph on one backend and returns its outputs as floats (device-only comparisons).</summary>
internal static class CudaAttentionRunner
{
    /// <summary>Runs <paramref name="graph"/> on <paramref name="backend"/> with <paramref name="inputs"/>.</summary>
    public static float[][] Run(IBackend backend, Graph graph, Dictionary<string, HostTensor> inputs, Node[] outputs)
    {
        using var executor = new Executor(graph, backend);
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
        executor.Run();
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }

    /// <summary>Builds and runs <paramref name="c"/> with the parity seed.</summary>
    public static float[][] RunCase(IBackend backend, OpCase c)
    {
        var g = new GraphBuilder();
        var outputs = c.Build(g);
        var graph = g.Build(outputs);
        return Run(backend, graph, ParityRunner.MakeInputs(c, graph, ParityRunner.DefaultSeed), outputs);
    }
}
