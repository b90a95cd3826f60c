using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Matrix;

/// <summary>Every Matrix-family case of <see cref="OpCases"/> on the CPU backend against the reference.</summary>
public sealed class MatrixParityTests
{
    private static readonly OpKind[] MatrixOps = [OpKind.Linear, OpKind.MatMul, OpKind.Attention, OpKind.AttentionCapture];

    public static TheoryData<string> Cases() => new(OpCases.All.Where(c => MatrixOps.Contains(c.Op)).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cpu_MatrixCase_MatchesReference(string name)
    {
        var c = OpCases.All.Single(x => x.Name == name);
        using var cpu = new CpuBackend();
        var result = ParityRunner.Run(c, cpu);
        Assert.SkipWhen(result.Status == ParityStatus.Skipped, result.Detail);
        Assert.True(result.Status == ParityStatus.Passed, result.ToString());
    }

    [Fact]
    public void OpCases_MatrixFamily_CoversEveryOp()
    {
        foreach (var op in MatrixOps)
        {
            Assert.Contains(OpCases.All, c => c.Op == op);
        }
        Assert.Equal(OpCases.All.Count, OpCases.All.Select(c => c.Name).Distinct().Count());
    }
}
