using System.Reflection;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>
/// The CUDA fast-path parity cases (OpCases.CudaPaths.cs) before they join <see cref="OpCases.All"/>: they build and the
/// CPU backend matches the reference on each (so a GPU failure is the GPU's), and on a GPU the CUDA backend passes them.
/// </summary>
public sealed class CudaPathCaseTests
{
    private static readonly Lazy<CudaBackend?> s_backend = new(() => CudaBackend.IsAvailable(out _) ? new CudaBackend() : null);

    private static IReadOnlyList<OpCase> PathCases { get; } = Load();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in PathCases)
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Fact]
    public void CudaPathCases_Names_AreUnique()
    {
        Assert.NotEmpty(PathCases);
        Assert.Equal(PathCases.Count, PathCases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Cpu_CudaPathCase_MatchesReference(string name)
    {
        using var cpu = new CpuBackend();
        var result = ParityRunner.Run(PathCases.First(c => c.Name == name), cpu);
        Assert.True(result.Status == ParityStatus.Passed, result.ToString());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Cuda_CudaPathCase_MatchesReference(string name)
    {
        Assert.SkipUnless(CudaBackend.IsAvailable(out string reason), "CUDA unavailable: " + reason);
        var result = ParityRunner.Run(PathCases.First(c => c.Name == name), s_backend.Value!);
        Assert.True(result.Status == ParityStatus.Passed, $"{name}: {result.Detail}");
    }

    private static List<OpCase> Load()
    {
        var method = typeof(OpCases).GetMethod("CudaPathCases", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("OpCases.CudaPathCases not found");
        return [.. (IEnumerable<OpCase>)method.Invoke(null, null)!];
    }
}
