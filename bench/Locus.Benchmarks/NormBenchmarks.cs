using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;

namespace Locus.Benchmarks;

/// <summary>
/// RmsNorm and LayerNorm bandwidth through the CpuBackend kernels on x [4096, 3072] f32: GB/s = 2·4·rows·cols / mean
/// (one read, one write; 100.7 MB per run).
/// </summary>
[Config(typeof(BenchConfig))]
public class NormBenchmarks
{
    private const int Rows = 4096, Cols = 3072;
    private Executor? _rms, _layer;
    private CpuBackend? _backend;

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        var rng = new Random(3);
        var x = HostTensor.FromFloats(new Shape(Rows, Cols), GemmBenchmarks.Fill(rng, Rows * Cols));
        var w = HostTensor.FromFloats(new Shape(Cols), GemmBenchmarks.Fill(rng, Cols));
        var g1 = new GraphBuilder();
        var rms = g1.RmsNorm(g1.Input("x", DType.F32, new Shape(Rows, Cols)), g1.Input("w", DType.F32, new Shape(Cols)), 1e-6f);
        _rms = new Executor(g1.Build([rms]), _backend);
        _rms.SetInput("x", x);
        _rms.SetInput("w", w);
        var g2 = new GraphBuilder();
        var ln = g2.LayerNorm(g2.Input("x", DType.F32, new Shape(Rows, Cols)), null, null, 1e-6f);
        _layer = new Executor(g2.Build([ln]), _backend);
        _layer.SetInput("x", x);
    }

    [Benchmark]
    public void RmsNorm() => _rms!.Run();

    [Benchmark]
    public void LayerNorm() => _layer!.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _rms?.Dispose();
        _layer?.Dispose();
        _backend?.Dispose();
    }
}
