using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests;

/// <summary>Every shared parity case (<see cref="OpCases.All"/>) on the fast CPU backend against the reference.</summary>
public sealed class BackendParityTests
{
    /// <summary>Case names (the display name of each theory row).</summary>
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in OpCases.All.Select(c => c.Name).Distinct())
        {
            data.Add(c);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Cpu_Case_MatchesReference(string caseName)
    {
        var c = OpCases.All.First(x => x.Name == caseName);
        using var cpu = new CpuBackend();
        var result = ParityRunner.Run(c, cpu);
        Assert.SkipWhen(result.Status == ParityStatus.Skipped, result.Detail);
        Assert.True(result.Status == ParityStatus.Passed, result.ToString());
    }

    [Fact]
    public void OpCases_Names_AreUnique()
    {
        var duplicates = OpCases.All.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate case names: " + string.Join("; ", duplicates));
    }
}
