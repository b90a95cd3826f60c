using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;

namespace Locus.Benchmarks;

/// <summary>CPU attention (tiled online softmax) through the CpuBackend kernel: q, k, v [1, H, N, D], lse written.</summary>
[Config(typeof(BenchConfig))]
public class AttentionBenchmarks
{
    private Executor? _executor;
    private CpuBackend? _backend;

    [Params(1024, 4096)]
    public int N { get; set; }

    [Params(64, 128)]
    public int D { get; set; }

    /// <summary>Heads (2: one per core).</summary>
    public const int H = 2;

    [GlobalSetup]
    public void Setup()
    {
        var g = new GraphBuilder();
        var shape = new Shape(1, H, N, D);
        var att = g.Attention(g.Input("q", DType.F32, shape), g.Input("k", DType.F32, shape), g.Input("v", DType.F32, shape), 1f / MathF.Sqrt(D));
        _backend = new CpuBackend();
        _executor = new Executor(g.Build([att, g.Aux(att)]), _backend);
        var rng = new Random(2);
        foreach (string name in new[] { "q", "k", "v" })
        {
            _executor.SetInput(name, HostTensor.FromFloats(shape, GemmBenchmarks.Fill(rng, (int)shape.ElementCount)));
        }
    }

    /// <summary>FLOPs of one run: 4·H·N²·D (QKᵀ and PV).</summary>
    public double Flops => 4.0 * H * N * N * D;

    [Benchmark]
    public void Attention() => _executor!.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _executor?.Dispose();
        _backend?.Dispose();
    }
}
