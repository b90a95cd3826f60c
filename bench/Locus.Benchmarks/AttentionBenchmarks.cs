using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Benchmarks;

/// <summary>
/// CPU attention (flash-attention forward: 8 × 32 FMA micro-kernels for K·qᵀ and P·V, online softmax) through the CpuBackend
/// kernel: q, k, v [1, H, N, D] f32, lse written. Min is reported next to Mean because on a shared machine the mean mostly
/// measures preemption; GFLOP/s = <see cref="Flops"/> / time.
/// </summary>
[Config(typeof(BenchConfig))]
[MinColumn]
public class AttentionBenchmarks
{
    private Executor? _executor;
    private CpuBackend? _backend;

    [Params(1024, 4096)]
    public int N { get; set; }

    [Params(64, 128)]
    public int D { get; set; }

    /// <summary>Threads (<see cref="Sgemm.MaxThreads"/>): 1 gives a per-core figure that suffers less from other processes.</summary>
    [Params(2, 1)]
    public int Threads { get; set; }

    /// <summary>Heads (2: one per core).</summary>
    public const int H = 2;

    [GlobalSetup]
    public void Setup()
    {
        Sgemm.MaxThreads = Threads;
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
        Sgemm.MaxThreads = Environment.ProcessorCount;
        _executor?.Dispose();
        _backend?.Dispose();
    }
}
