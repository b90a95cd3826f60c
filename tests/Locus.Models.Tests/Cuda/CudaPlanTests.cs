using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Models.Editing;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.Cuda;

/// <summary>
/// The runs of <c>tools/gpu/pipeline.sh</c> and the model benchmarks of <c>tools/gpu/full.sh</c>, at their full size, planned on a
/// <see cref="CudaDryRunBackend"/>: every graph they build must pass CUDA's kernel checks and every launch the dry run's, and
/// the buffers and scratch they hold at once must fit an 80 GB H100. A GPU session then spends its minutes on
/// figures, not on a missing kernel found at minute 7.
/// </summary>
public sealed class CudaPlanTests
{
    /// <summary>What a run may hold: an H100 80 GB shows ≈ 79.2 GiB; leave room for the context, cuBLAS and kernel modules.</summary>
    private const long DeviceBudget = 76L << 30;

    [Theory]
    [InlineData("none", false)]
    [InlineData("user", true)]
    [InlineData("attention", true)]
    public void EditBench_KontextDev1024_EveryGraphIsCudaAndFits(string mask, bool blend)
    {
        using var backend = Plan();
        EditBench.Run(new EditBench.Setup(Size: 1024, Steps: 2, MaskSource: mask, Blend: blend), backend, DType.BF16, TextWriter.Null,
            TestContext.Current.CancellationToken);
        AssertFits(backend, $"bench edit --size 1024 --mask-source {mask}");
    }

    [Fact]
    public void EditBench_QwenImageEdit1024TrueCfg_EveryGraphIsCudaAndFits()
    {
        using var backend = Plan();
        EditBench.Run(new EditBench.Setup(Size: 1024, Steps: 2, TextTokens: 1400, Arch: "qwen-image-edit", TrueCfg: 4f), backend, DType.BF16,
            TextWriter.Null, TestContext.Current.CancellationToken);
        AssertFits(backend, "bench edit --arch qwen-image-edit --size 1024 --true-cfg 4");
    }

    [Theory]
    [InlineData("qwen-image-edit")]
    [InlineData("flux-kontext-dev")]
    public void AdapterBench_PaperScale_StepsAndBothPreludesAreCudaAndFit(string arch)
    {
        using var backend = Plan();
        var output = new StringWriter();
        var r = AdapterBench.Run(new ModelBenchSetup(arch), backend, DType.BF16, 1, output);
        Assert.False(double.IsNaN(r.UserPreludeSeconds) || double.IsNaN(r.PredictedPreludeSeconds), output.ToString());
        AssertFits(backend, $"bench model --arch {arch} --adapter");
    }

    [Theory]
    [InlineData("flux-kontext-dev", false, false)]
    [InlineData("flux-kontext-dev", true, false)]
    [InlineData("flux-kontext-dev", true, true)]
    [InlineData("qwen-image-edit", false, false)]
    [InlineData("qwen-image-edit", true, false)]
    public void ModelBench_FullModel_IsCudaAndFits(string arch, bool grag, bool targetRows)
    {
        using var backend = Plan();
        var setup = new ModelBenchSetup(arch, Grag: grag ? new GragOptions { TargetRowsOnly = targetRows } : null, GragScale: (1f, 1.1f));
        ModelBench.Run(setup, backend, DType.BF16, 1, TextWriter.Null);
        AssertFits(backend, $"bench model --arch {arch}{(grag ? " --grag 1.0,1.1" : "")}{(targetRows ? " --grag-rows target" : "")}");
    }

    private static CudaDryRunBackend Plan() => new(checkArguments: NvrtcCompiler.IsAvailable(out _));

    private static void AssertFits(CudaDryRunBackend backend, string what)
    {
        Assert.True(backend.NodesIssued > 0 && backend.Context.DryLaunches > 0, what + ": nothing was issued");
        long scratch = backend.Context.DryScratchBytes, held = backend.PeakBytes + scratch;
        string gib = $"{held / (double)(1L << 30):F2} GiB ({backend.PeakBytes / (double)(1L << 30):F2} buffers + {scratch / (double)(1L << 20):F0} MiB scratch)";
        Assert.True(held <= DeviceBudget, $"{what}: holds {gib} at once, over the {DeviceBudget >> 30} GiB an H100 run may use");
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: peak {gib}, {backend.NodesIssued} nodes, {backend.Context.DryLaunches} launches checked");
    }
}
