using BenchmarkDotNet.Attributes;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;

namespace Locus.Benchmarks.Models;

/// <summary>
/// The region adapter's cost on the CPU (issue #7 item 5), side by side in one run: the backbone step (baseline), the same step
/// with the adapter on every block in Precomputed mode, and the once-per-edit prelude with a user mask and with the
/// MaskPredictor; the Ratio column is each one over the backbone step. Small config of <see cref="TransformerStepBenchmarks"/>:
/// random f32 weights, 4 heads × 64 (D = 256), Flux 2 double + 4 single blocks / Qwen 4 blocks (all adapted), 16×16 target +
/// 16×16 reference tokens, 64 text tokens. Run:
/// <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*AdapterOverhead*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class AdapterOverheadBenchmarks : IDisposable
{
    private CpuBackend? _backend;
    private AdapterBenchSession? _session;

    [Params("qwen-image-edit", "flux-kontext-dev")]
    public string Arch { get; set; } = "qwen-image-edit";

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CpuBackend();
        var setup = new ModelBenchSetup(Arch, Blocks: Arch == "qwen-image-edit" ? 4 : 2, Grid: 16, TextTokens: 64, Heads: 4, HeadDim: 64);
        _session = AdapterBenchSession.Create(setup, _backend, DType.F32);
    }

    /// <summary>The backbone step (no adapter).</summary>
    [Benchmark(Baseline = true)]
    public void BackboneStep() => _session!.RunStep(_session.Backbone);

    /// <summary>The step with the block adapters (c and gates precomputed).</summary>
    [Benchmark]
    public void AdaptedStep() => _session!.RunStep(_session.Adapted);

    /// <summary>Once per edit: Condition Encoder and gates from a user mask, read back.</summary>
    [Benchmark]
    public (HostTensor Condition, HostTensor Gates) PreludeUserMask() => _session!.RunPrelude(_session.UserPrelude!);

    /// <summary>Once per edit: MaskPredictor, Condition Encoder and gates, read back.</summary>
    [Benchmark]
    public (HostTensor Condition, HostTensor Gates) PreludePredictedMask() => _session!.RunPrelude(_session.PredictedPrelude!);

    [GlobalCleanup]
    public void Dispose()
    {
        _session?.Dispose();
        _backend?.Dispose();
        GC.SuppressFinalize(this);
    }
}
