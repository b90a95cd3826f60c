using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Editing;

/// <summary>Every Editing-family parity case on the CPU backend against the reference backend.</summary>
public sealed class EditingParityTests
{
    private static readonly HashSet<OpKind> s_editingOps =
    [
        OpKind.FlowBlend, OpKind.KMeans, OpKind.AreaDownsample, OpKind.BilinearUpsample, OpKind.Threshold, OpKind.Dilate,
        OpKind.Erode, OpKind.GaussianBlur3, OpKind.MinMaxNormalize, OpKind.TopK, OpKind.LargestComponent,
    ];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in OpCases.All.Where(c => s_editingOps.Contains(c.Op)))
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cpu_EditingCase_MatchesReference(string name)
    {
        var c = OpCases.All.Single(c => c.Name == name);
        using var cpu = new CpuBackend();
        var result = ParityRunner.Run(c, cpu);
        Assert.True(result.Status == ParityStatus.Passed, $"{result.Status}: {result.Detail}");
    }

    [Fact]
    public void OpCases_EditingFamily_CoversEveryOpWithKernels()
    {
        foreach (var op in s_editingOps)
        {
            Assert.Contains(OpCases.All, c => c.Op == op);
            Assert.True(CpuBackend.Table.Contains(op), $"no CPU kernel for {op}");
            Assert.True(Reference.ReferenceBackend.Table.Contains(op), $"no reference kernel for {op}");
        }
    }

    [Fact]
    public void OpCases_EditingNames_AreUnique()
    {
        var names = OpCases.All.Where(c => s_editingOps.Contains(c.Op)).Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }
}
