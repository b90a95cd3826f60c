using BenchmarkDotNet.Attributes;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Benchmarks;

/// <summary>
/// SGEMM C = A·B (row-major, f32) against OpenBLAS cblas_sgemm at the same thread count, in the same run.
/// GFLOP/s = 2·m·n·k / mean. Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the AVX-512 OpenBLAS kernel.
/// </summary>
[Config(typeof(BenchConfig))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private int _m, _n, _k;

    /// <summary>m×n×k: 1024³ and a Kontext-like projection 4096×3072×3072.</summary>
    [Params("1024x1024x1024", "4096x3072x3072")]
    public string Shape { get; set; } = "1024x1024x1024";

    [GlobalSetup]
    public void Setup()
    {
        int[] s = Shape.Split('x').Select(int.Parse).ToArray();
        (_m, _n, _k) = (s[0], s[1], s[2]);
        var rng = new Random(1);
        _a = Fill(rng, _m * _k);
        _b = Fill(rng, _k * _n);
        _c = new float[_m * _n];
        if (OpenBlas.IsAvailable)
        {
            OpenBlas.SetThreads(Sgemm.MaxThreads);
            Console.WriteLine($"// OpenBLAS core: {OpenBlas.CoreName}; config: {OpenBlas.Config}; Locus kernel: {Sgemm.KernelName}; threads: {Sgemm.MaxThreads}");
        }
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm()
    {
        if (!OpenBlas.IsAvailable)
        {
            throw new InvalidOperationException("libopenblas.so.0 is not installed (apt-get install libopenblas0-pthread)");
        }
        OpenBlas.Sgemm(_m, _n, _k, _a, _k, _b, _n, false, _c, _n);
    }

    [Benchmark]
    public void LocusSgemm() => Sgemm.Multiply(_m, _n, _k, _a, _k, _b, _n, false, _c, _n);

    internal static float[] Fill(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(rng.NextDouble() - 0.5);
        }
        return v;
    }
}
