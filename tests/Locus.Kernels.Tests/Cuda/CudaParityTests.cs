using Locus.Engine.Graph;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>Every shared parity case on the CUDA backend against the reference; skipped (never passed) without a GPU.</summary>
public sealed class CudaParityTests
{
    private static readonly Lazy<CudaBackend?> s_backend = new(() => CudaBackend.IsAvailable(out _) ? new CudaBackend() : null);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in OpCases.All)
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_OpCase_MatchesReference(string name)
    {
        Assert.SkipUnless(CudaBackend.IsAvailable(out string reason), "CUDA unavailable: " + reason);
        var c = OpCases.All.First(x => x.Name == name);
        var result = ParityRunner.Run(c, s_backend.Value!);
        Assert.True(result.Status != ParityStatus.Failed, $"{name}: {result.Detail}");
        Assert.True(result.Status == ParityStatus.Passed, $"{name} not run on CUDA: {result.Detail}");
    }

    [Fact]
    public void BuildTable_Unbound_CoversEveryNonAttentionOp()
    {
        var table = CudaBackend.BuildTable(CudaKernelContext.Unbound());
        var leavesAndViews = new[] { OpKind.Input, OpKind.Weight, OpKind.Reshape, OpKind.Permute, OpKind.Slice, OpKind.AuxOutput, OpKind.Attention, OpKind.AttentionCapture };
        var missing = Enum.GetValues<OpKind>().Except(leavesAndViews).Where(op => !table.Contains(op)).ToArray();
        Assert.True(missing.Length == 0, "no CUDA kernel for " + string.Join(", ", missing));
    }

    [Fact]
    public void IsAvailable_NoGpuHere_ReturnsFalseWithReason()
    {
        bool available = CudaBackend.IsAvailable(out string reason);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        if (!available)
        {
            Assert.Throws<CudaException>(() => new CudaBackend());
        }
    }

    [Fact]
    public void IsAvailable_ForcedCpu_ReturnsFalse()
    {
        string? old = Environment.GetEnvironmentVariable("LOCUS_DEVICE");
        try
        {
            Environment.SetEnvironmentVariable("LOCUS_DEVICE", "cpu");
            Assert.False(CudaBackend.IsAvailable(out string reason));
            Assert.Contains("LOCUS_DEVICE", reason, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LOCUS_DEVICE", old);
        }
    }
}
