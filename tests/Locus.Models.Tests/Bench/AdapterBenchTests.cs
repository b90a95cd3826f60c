using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.Bench;

/// <summary>
/// The adapter benchmark: a tiny run gives finite positive times, and the paper-scale graphs the GPU session runs
/// (tools/gpu/full.sh) build here without binding (random weights are only declared, nothing is allocated).
/// </summary>
public sealed class AdapterBenchTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("qwen-image-edit")]
    [InlineData("flux-kontext-dev")]
    public void Run_TinyConfig_FinitePositiveTimesAndRatio(string arch)
    {
        var setup = new ModelBenchSetup(arch, Blocks: 1, Grid: 4, TextTokens: 8, Heads: 2, HeadDim: 16);
        using var backend = new CpuBackend();
        var output = new StringWriter();
        var r = AdapterBench.Run(setup, backend, DType.F32, steps: 2, output);
        foreach (double t in (double[])[r.BackboneSeconds, r.AdaptedSeconds, r.UserPreludeSeconds, r.PredictedPreludeSeconds, r.BackboneBestSeconds, r.AdaptedBestSeconds])
        {
            Assert.True(double.IsFinite(t) && t > 0, $"time {t}");
        }
        Assert.True(double.IsFinite(r.Overhead) && r.Overhead > -1, $"overhead {r.Overhead}");
        Assert.Equal((r.AdaptedSeconds / r.BackboneSeconds) - 1, r.Overhead, 12);
        string text = output.ToString();
        Assert.Contains("adapter overhead", text, StringComparison.Ordinal);
        Assert.Contains("prelude, predicted mask", text, StringComparison.Ordinal);
        // Flux: 1 double + 2 single blocks, all adapted by default.
        Assert.Contains(arch == "flux-kontext-dev" ? "3 of 3 blocks adapted" : "1 of 1 blocks adapted", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OpKind.Threshold, false)]     // only the MaskPredictor thresholds: the predicted-mask prelude fails
    [InlineData(OpKind.BilinearUpsample, true)] // resizing the 4×4 mask to the 16×16 condition grid: both preludes fail, stand-in c and g
    public void Run_BackendWithoutAPreludeOp_PrintsStepsThenFailedPreludeAsNaN(OpKind refused, bool userFails)
    {
        var setup = new ModelBenchSetup("qwen-image-edit", Blocks: 1, Grid: 4, TextTokens: 8, Heads: 2, HeadDim: 16);
        using var backend = new RefusingBackend(refused);
        var output = new StringWriter();
        var r = AdapterBench.Run(setup, backend, DType.F32, steps: 1, output);
        Assert.True(double.IsFinite(r.BackboneSeconds) && double.IsFinite(r.AdaptedSeconds), output.ToString());
        Assert.True(double.IsNaN(r.PredictedPreludeSeconds));
        Assert.Equal(userFails, double.IsNaN(r.UserPreludeSeconds));
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("adapted step", lines[3], StringComparison.Ordinal);
        Assert.Equal(userFails, lines[3].Contains("stand-ins", StringComparison.Ordinal));
        Assert.StartsWith("prelude, predicted mask FAILED: ", lines[5], StringComparison.Ordinal);
        Assert.Contains($"no {refused} kernel", lines[5], StringComparison.Ordinal);
    }

    [Fact]
    public void Session_TinyConfig_AdaptedStepDiffersFromBackboneAndUsesPreludeGates()
    {
        var setup = new ModelBenchSetup("qwen-image-edit", Blocks: 2, Grid: 4, TextTokens: 8, Heads: 2, HeadDim: 16);
        using var backend = new CpuBackend();
        using var s = AdapterBenchSession.Create(setup, backend, DType.F32, adaptedBlocks: 1);
        Assert.Equal([0], s.Config.AdaptedBlocks);
        s.RunStep(s.Backbone);
        s.RunStep(s.Adapted);
        var plain = s.Backbone.Read(s.Backbone.Graph.Outputs[0]).ToFloatArray();
        var adapted = s.Adapted.Read(s.Adapted.Graph.Outputs[0]).ToFloatArray();
        Assert.All(adapted, v => Assert.True(float.IsFinite(v)));
        Assert.NotEqual(plain, adapted);
        var (c, gates) = s.RunPrelude(s.UserPrelude!);
        Assert.Equal(new Shape(1, s.Config.ConditionTokens, 32), c.Shape);
        Assert.Equal(new Shape(1, 16, 1), gates.Shape);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Config_AdaptedBlocksOutOfRange_ThrowsNamingTheCount(int blocks)
    {
        var setup = new ModelBenchSetup("qwen-image-edit", Blocks: 2, Heads: 2, HeadDim: 16);
        var e = Assert.Throws<ArgumentException>(() => AdapterBench.Config(setup, blocks));
        Assert.Contains($"adapted blocks {blocks} must be in [1, 2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_UnknownArch_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => AdapterBench.Config(new ModelBenchSetup("sdxl")));
        Assert.Contains("unknown architecture 'sdxl'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qwen-image-edit", 60, 4096, 1400)]
    [InlineData("flux-kontext-dev", 57, 4096, 512)]
    public void Graphs_PaperScale_BuildWithEveryBlockAdaptedAndEverySpecTensorUsed(string arch, int blocks, int targetTokens, int textTokens)
    {
        var setup = new ModelBenchSetup(arch);                                 // D = 3072, 1024² target + reference, full depth
        var config = AdapterBench.Config(setup);
        Assert.Equal((3072, 6144, 320, 64, 256), (config.HiddenSize, config.FfnDim, config.ConditionTokens, config.InstructionTokens, config.MaskGrid * config.MaskGrid));
        Assert.Equal(Enumerable.Range(0, blocks), config.AdaptedBlocks);
        using var weights = new AdapterBenchWeights(config, DType.BF16);
        var (g, output, seq, _) = ModelBench.BuildGraph(setup, DType.BF16, weights.Backbone,
            (gb, s) => new RegionAdapterHook(gb, weights.Adapter, config, s, 64, 64, s.TextTokens, RegionAdapterMode.Precomputed, DType.BF16));
        Assert.Equal((textTokens, targetTokens), (seq.TextTokens, seq.TargetTokens));
        var step = g.Build(output);
        Assert.Equal(new Shape(1, 320, 3072), step.Inputs.Single(n => n.Name == RegionAdapterHook.ConditionInput).Shape);
        Assert.Equal(new Shape(1, targetTokens, blocks), step.Inputs.Single(n => n.Name == RegionAdapterHook.GatesInput).Shape);
        var used = new HashSet<string>(step.Weights.Select(w => w.Name), StringComparer.Ordinal);
        foreach (var mode in (RegionAdapterMode[])[RegionAdapterMode.UserMask, RegionAdapterMode.PredictedMask])
        {
            var pg = new GraphBuilder();
            var r = RegionAdapterPrelude.Build(pg, weights.Adapter, config, 1, 64, 64, textTokens, mode, DType.BF16);
            used.UnionWith(pg.Build(r.Condition, r.Gates).Weights.Select(w => w.Name));
        }
        // Every tensor of the spec is bound by one of the three graphs (the benchmark measures the whole adapter).
        string[] missing = [.. RegionAdapterWeights.Shapes(config).Select(p => p.Key).Where(k => !used.Contains(k))];
        Assert.True(missing.Length == 0, "not bound: " + string.Join(", ", missing.Take(10)));
        Assert.InRange(weights.AdapterParameterCount / 1e9, 4.0, 5.5);
        Assert.InRange(weights.BackboneParameterCount / 1e9, arch == "qwen-image-edit" ? 19.5 : 11.5, arch == "qwen-image-edit" ? 21.0 : 12.5);
        // The step's activations fit next to ≈ 50 GB of bf16 weights on an 80 GB GPU.
        double arena = MemoryPlanner.Plan(step).ArenaBytes / 1073741824.0;
        log.WriteLine($"{arch}: backbone {weights.BackboneParameterCount / 1e9:F3} B, adapter {weights.AdapterParameterCount / 1e9:F3} B params, adapted step arena {arena:F2} GiB, {step.Nodes.Count} nodes");
        Assert.InRange(arena, 0.1, 16);
    }
}
