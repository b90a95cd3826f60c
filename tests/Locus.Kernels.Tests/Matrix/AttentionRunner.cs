using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference;

namespace Locus.Kernels.Tests.Matrix;

/// <summary>Builds a small attention graph, runs it on a backend with given inputs and returns the outputs as floats.</summary>
internal static class AttentionRunner
{
    public static IEnumerable<IBackend> Backends() => [new CpuBackend(), new ReferenceBackend()];

    public static float[][] Run(IBackend backend, Func<GraphBuilder, Node[]> build, Dictionary<string, float[]> inputs)
    {
        var g = new GraphBuilder();
        var outputs = build(g);
        using var executor = new Executor(g.Build(outputs), backend);
        foreach (var input in executor.Graph.Inputs)
        {
            executor.SetInput(input.Name, HostTensor.FromFloats(input.DType, input.Shape, inputs[input.Name]));
        }
        executor.Run();
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }

    public static float[] Normal(int seed, long count, float scale = 1f) =>
        Parity.ParityRunner.Normal(new Random(seed), count, scale);

    public static double Nmse(float[] actual, float[] expected)
    {
        double err = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            err += (actual[i] - (double)expected[i]) * (actual[i] - (double)expected[i]);
            norm += (double)expected[i] * expected[i];
        }
        return err / Math.Max(norm, 1e-300);
    }
}
