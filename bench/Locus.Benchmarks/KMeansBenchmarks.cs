using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cpu.Editing;
using Locus.Kernels.Reference.Editing;

namespace Locus.Benchmarks;

/// <summary>
/// k-means at LPM's clustering size: 1024 points × 1024 dims (a 32×32 self-attention map's rows), k = 5, 20 Lloyd
/// iterations on the CPU backend. Target: under 1 s. <c>KMeansOp</c> is the graph op (k-means++ seeding, stops early
/// once labels repeat); <c>Seeding</c> is k-means++ alone; <c>Lloyd20Rounds</c> forces all 20 rounds from fixed seeds (the worst case).
/// Run: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*KMeans*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KMeansBenchmarks
{
    private const int Points = 1024, Dims = 1024, Clusters = 5, Iterations = 20;
    private float[] _points = [];
    private float[] _init = [];
    private CpuBackend? _backend;
    private Executor? _executor;

    [GlobalSetup]
    public void Setup()
    {
        // Rows shaped like attention maps: 5 soft groups of columns plus noise, each row normalised to sum 1.
        var rng = new Random(1);
        _points = new float[Points * Dims];
        for (int i = 0; i < Points; i++)
        {
            int group = rng.Next(Clusters);
            double sum = 0;
            for (int e = 0; e < Dims; e++)
            {
                double v = rng.NextDouble() + (e * Clusters / Dims == group ? 2.0 : 0.0);
                _points[i * Dims + e] = (float)v;
                sum += v;
            }
            for (int e = 0; e < Dims; e++)
            {
                _points[i * Dims + e] = (float)(_points[i * Dims + e] / sum);
            }
        }
        var seeds = KMeansSeeding.Seed(_points, Points, Dims, Clusters, 42);
        _init = seeds.SelectMany(s => _points.AsSpan(s * Dims, Dims).ToArray()).ToArray();
        var g = new GraphBuilder();
        var km = g.KMeans(g.Input("points", DType.F32, new Shape(Points, Dims)), new KMeansParams(Clusters, Iterations, 42));
        _backend = new CpuBackend();
        _executor = new Executor(g.Build(km, g.Aux(km)), _backend);
        _executor.SetInput("points", HostTensor.FromFloats(new Shape(Points, Dims), _points));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _executor?.Dispose();
        _backend?.Dispose();
    }

    [Benchmark]
    public void KMeansOp() => _executor!.Run();

    [Benchmark]
    public int Seeding() => KMeansSeeding.Seed(_points, Points, Dims, Clusters, 42, parallel: true)[^1];

    [Benchmark]
    public int Lloyd20Rounds() => CpuKMeans.Lloyd(_points, Points, Dims, _init, Iterations, stopWhenStable: false).Assignments;
}
