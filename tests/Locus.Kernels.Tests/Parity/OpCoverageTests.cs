using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Locus.Kernels.Reference;
using Xunit;

namespace Locus.Kernels.Tests;

/// <summary>The closed op list is fully covered: parity cases, a reference kernel and a real (non-fallback) CPU kernel per op.</summary>
public sealed class OpCoverageTests
{
    private static readonly OpKind[] NoKernel = [OpKind.Input, OpKind.Weight, OpKind.Reshape, OpKind.Permute, OpKind.Slice, OpKind.AuxOutput];

    private static IEnumerable<OpKind> ComputeOps => Enum.GetValues<OpKind>().Except(NoKernel);

    [Fact]
    public void OpCases_EveryComputeOp_HasACase()
    {
        var covered = OpCases.All.Select(c => c.Op).ToHashSet();
        var missing = ComputeOps.Where(op => !covered.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "ops without parity cases: " + string.Join(", ", missing));
    }

    [Fact]
    public void ReferenceBackend_EveryComputeOp_HasAKernel()
    {
        var missing = ComputeOps.Where(op => !ReferenceBackend.Table.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "ops without a reference kernel: " + string.Join(", ", missing));
    }

    [Fact]
    public void CpuBackend_EveryComputeOp_HasAFastKernel()
    {
        var missing = ComputeOps.Where(op => !CpuBackend.Table.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "ops that still fall back to the reference kernel on CPU: " + string.Join(", ", missing));
    }

    [Fact]
    public void CoreFamily_EveryOp_IsCovered()
    {
        OpKind[] core = [OpKind.Add, OpKind.Sub, OpKind.Mul, OpKind.Scale, OpKind.Silu, OpKind.Sigmoid, OpKind.Gelu, OpKind.Modulate, OpKind.GatedResidual,
            OpKind.Convert, OpKind.Contiguous, OpKind.Concat, OpKind.LayerNorm, OpKind.RmsNorm, OpKind.GroupNorm, OpKind.Softmax, OpKind.Rope,
            OpKind.TimestepEmbedding, OpKind.Conv2d, OpKind.UpsampleNearest2x];
        var covered = OpCases.All.Select(c => c.Op).ToHashSet();
        var missing = core.Where(op => !covered.Contains(op) || !ReferenceBackend.Table.Contains(op) || !CpuBackend.Table.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "core ops missing a case or a kernel: " + string.Join(", ", missing));
    }
}
