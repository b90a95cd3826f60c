using BenchmarkDotNet.Attributes;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;

namespace Locus.Benchmarks;

/// <summary>
/// CUDA attention at one Kontext joint attention (B = 1, H = 24, N = 8704, D = 128, bf16): plain, + GRAG, + region bias,
/// + bf16 bias, and the 4096 × 512 capture. Each invocation times 10 launches with CUDA events and reports device ms per
/// launch; TFLOP/s = 4·B·H·N²·D / t (931 GFLOP per forward). Skips (empty setup) without a GPU.
/// Run: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*CudaAttention*'</c>.
/// </summary>
[MemoryDiagnoser(false)]
public class CudaAttentionBenchmarks
{
    private CudaBackend? _backend;
    private AttentionBench? _bench;

    [Params("plain", "grag", "region", "bias", "capture")]
    public string Case { get; set; } = "plain";

    [GlobalSetup]
    public void Setup()
    {
        if (!CudaBackend.IsAvailable(out string reason))
        {
            Console.WriteLine("CudaAttentionBenchmarks: no GPU (" + reason + ")");
            return;
        }
        _backend = new CudaBackend();
        _bench = new AttentionBench(_backend);
        double ms = _bench.Measure(Case, 5, 3);
        Console.WriteLine(Case == "capture" ? $"// {Case}: {ms:F3} ms" : $"// {Case}: {ms:F3} ms = {_bench.ForwardFlops / (ms * 1e-3) / 1e12:F1} TFLOP/s");
    }

    /// <summary>Device ms per launch (mean of 10, CUDA events); 0 without a GPU.</summary>
    [Benchmark]
    public double Attention() => _bench?.Measure(Case, 10, 0) ?? 0;

    [GlobalCleanup]
    public void Cleanup()
    {
        _bench?.Dispose();
        _backend?.Dispose();
    }
}
