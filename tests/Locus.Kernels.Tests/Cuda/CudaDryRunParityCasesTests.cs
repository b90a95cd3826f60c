using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>
/// Every shared parity case through the CUDA launchers on a dry-run context (no GPU): each launch's grid, block, shared
/// memory, kernel entry and, with NVRTC here, its argument sizes against the kernel's PTX parameters. The GPU session's
/// <see cref="CudaParityTests"/> then checks the values.
/// </summary>
public sealed class CudaDryRunParityCasesTests
{
    [Theory]
    [MemberData(nameof(CudaParityTests.Cases), MemberType = typeof(CudaParityTests))]
    public void Case_EveryLaunchPassesTheDryRun(string name)
    {
        var c = OpCases.All.First(x => x.Name == name);
        var g = new GraphBuilder();
        var graph = g.Build(c.Build(g));
        using var backend = new CudaDryRunBackend(checkArguments: NvrtcCompiler.IsAvailable(out _));
        var refused = graph.Nodes.Where(n => !n.IsLeaf && !n.IsView && !backend.Supports(n, out _)).ToArray();
        Assert.SkipWhen(refused.Length > 0, $"CUDA refuses {string.Join(", ", refused.Select(n => n.Op).Distinct())} here (a case for other backends)");
        using var executor = new Executor(graph, backend);
        foreach (var input in graph.Inputs)
        {
            executor.SetInput(input.Name, new HostTensor(input.DType, input.Shape));
        }
        executor.Run(null, TestContext.Current.CancellationToken);
        // KMeans, TopK and LargestComponent run on the host (HostOps): they launch nothing.
        bool deviceWork = graph.Nodes.Any(n => !n.IsLeaf && !n.IsView && n.Op is not (OpKind.KMeans or OpKind.TopK or OpKind.LargestComponent));
        Assert.True(!deviceWork || backend.Context.DryLaunches + backend.Context.DryGemms > 0, $"{name}: no launch or GEMM was checked");
    }
}
