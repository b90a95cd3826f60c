using BenchmarkDotNet.Attributes;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;

namespace Locus.Benchmarks.Models;

/// <summary>
/// One denoising step (transformer forward) of small Flux-Kontext / Qwen-Edit shaped models on the CPU, random f32
/// weights: 4 heads × 64 (D = 256), Flux 2 double + 4 single blocks / Qwen 4 blocks, 16×16 target + 16×16 reference
/// tokens, 64 text tokens. Run: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*TransformerStep*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TransformerStepBenchmarks : IDisposable
{
    private CpuBackend? _backend;
    private TransformerSession? _session;
    private Locus.Models.Common.RandomWeights? _weights;
    private Dictionary<string, HostTensor>? _inputs;

    [Params("flux-kontext-dev", "qwen-image-edit")]
    public string Arch { get; set; } = "flux-kontext-dev";

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        var setup = new ModelBenchSetup(Arch, Blocks: 2, Grid: 16, TextTokens: 64, Heads: 4, HeadDim: 64);
        if (Arch == "qwen-image-edit")
        {
            setup = setup with { Blocks = 4 };
        }
        (_session, _weights, _inputs) = ModelBench.Create(setup, _backend, DType.F32);
    }

    [Benchmark]
    public HostTensor Step() => _session!.Run(_inputs!);

    [GlobalCleanup]
    public void Dispose()
    {
        _session?.Dispose();
        _weights?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
