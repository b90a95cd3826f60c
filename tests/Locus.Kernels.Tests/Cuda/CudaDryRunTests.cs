using Locus.Kernels.Cuda;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>The dry-run kernel context: it refuses what cuLaunchKernel / cuModuleGetFunction / cuBLASLt would, and touches no device.</summary>
public sealed class CudaDryRunTests
{
    [Fact]
    public void Launch_WithinLimits_Counted()
    {
        using var ctx = CudaKernelContext.DryRun();
        ctx.Launch(ctx.Function("elementwise", "sigmoid_fast_bf16"), new LaunchConfig(int.MaxValue, 65535, 65535, 1024), new KernelArguments());
        ctx.Launch("norm", "softmax_f32", new LaunchConfig(1, 1, 1, 32, 1, 1, CudaKernelContext.MaxSharedBytesOptIn), new KernelArguments());
        Assert.Equal(2, ctx.DryLaunches);
        Assert.True(ctx.IsDryRun);
        Assert.Equal(132, ctx.MultiprocessorCount);
    }

    [Theory]
    [InlineData(0u, 1u, 1u, 32u, 1u, 0u, "empty grid")]
    [InlineData(1u, 65536u, 1u, 32u, 1u, 0u, "grid over")]
    [InlineData(1u, 1u, 65536u, 32u, 1u, 0u, "grid over")]
    [InlineData(1u, 1u, 1u, 2048u, 1u, 0u, "1024 threads")]
    [InlineData(1u, 1u, 1u, 64u, 32u, 0u, "1024 threads")]
    [InlineData(1u, 1u, 1u, 128u, 1u, 232449u, "shared memory")]
    public void Launch_OverALimit_ThrowsNamingTheLimitAndTheConfig(uint gx, uint gy, uint gz, uint bx, uint by, uint smem, string why)
    {
        using var ctx = CudaKernelContext.DryRun();
        var config = new LaunchConfig(gx, gy, gz, bx, by, 1, smem);
        var e = Assert.Throws<CudaException>(() => ctx.Launch(1, config, new KernelArguments()));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains(config.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Equal(0, ctx.DryLaunches);
    }

    [Fact]
    public void Function_EntryTheModuleDoesNotExport_Throws()
    {
        using var ctx = CudaKernelContext.DryRun();
        var e = Assert.Throws<CudaException>(() => ctx.Function("elementwise", "sigmoid_fast_f64"));
        Assert.Contains("sigmoid_fast_f64", e.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => ctx.Function("no_such_module", "x"));
    }

    [Fact]
    public void GemmCopiesAndScratch_TouchNoDevice()
    {
        using var ctx = CudaKernelContext.DryRun();
        ctx.Gemm(new GemmSpec(14, false, true, 64, 32, 16, 64, 32, 64), 0x1000, 0x2000, 0x3000);
        Assert.Throws<CudaException>(() => ctx.Gemm(new GemmSpec(14, false, false, 64, 32, 16, 8, 16, 64), 0x1000, 0x2000, 0x3000));
        Assert.Equal(1, ctx.DryGemms);
        var host = new byte[] { 1, 2, 3 };
        ctx.CopyToHost(0x1000, host);
        Assert.Equal(new byte[3], host);
        ctx.CopyToDevice(host, 0x1000);
        ctx.CopyDevice(0x1000, 0x2000, 3);
        ulong a = ctx.Scratch(0, 1024), b = ctx.Scratch(1, 1024);
        Assert.NotEqual(a, b);
        Assert.Equal(0UL, a % 256);
        ctx.Scratch(0, 4096);
        ctx.Scratch(0, 2048);
        // Slot 0 keeps its largest request, slot 1 its own, plus the cuBLASLt workspace once a GEMM ran.
        Assert.Equal(4096 + 1024 + CudaKernelContext.BlasWorkspaceBytes, ctx.DryScratchBytes);
    }

    [Fact]
    public void Launch_CheckArguments_SizesMustMatchThePtxParameters()
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), "NVRTC unavailable: " + reason);
        using var ctx = CudaKernelContext.DryRun(checkArguments: true);
        Assert.True(ctx.ChecksArguments);
        // sigmoid_fast_bf16(const T* x, T* out, u32 n, int vec)
        var fn = ctx.Function("elementwise", "sigmoid_fast_bf16");
        ctx.Launch(fn, new LaunchConfig(1, 1, 1, 256), new KernelArguments().Ptr(0x1000).Ptr(0x2000).Int(8).Int(1));
        var e = Assert.Throws<CudaException>(() =>
            ctx.Launch(fn, new LaunchConfig(1, 1, 1, 256), new KernelArguments().Ptr(0x1000).Ptr(0x2000).Long(8).Int(1)));
        Assert.Contains("[8, 8, 4, 4]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[8, 8, 8, 4]", e.Message, StringComparison.Ordinal);
        Assert.Throws<CudaException>(() => ctx.Launch(fn, new LaunchConfig(1, 1, 1, 256), new KernelArguments().Ptr(0x1000).Ptr(0x2000).Int(8)));
        Assert.Equal(1, ctx.DryLaunches);
    }

    [Fact]
    public void PtxSignatures_Parse_ScalarsAndAlignedStructs()
    {
        const string ptx = """
            .visible .entry k1(
            	.param .u64 k1_param_0,
            	.param .f32 k1_param_1,
            	.param .align 8 .b8 k1_param_2[296],
            	.param .u16 k1_param_3
            )
            {
            }
            .visible .entry k2()
            {
            }
            """;
        var sigs = PtxSignatures.Parse(ptx);
        Assert.Equal([8, 4, 296, 2], sigs["k1"]);
        Assert.Empty(sigs["k2"]);
    }

    [Fact]
    public void DryRunBackend_TracksPeakBytes_AddressesAlignedAndDistinct()
    {
        using var backend = new CudaDryRunBackend();
        var a = backend.Allocate(1000);
        var b = backend.Allocate(3000);
        ulong pa = ((IDeviceMemory)a).DevicePointer, pb = ((IDeviceMemory)b).DevicePointer;
        Assert.Equal(0UL, pa % 256);
        Assert.Equal(0UL, pb % 256);
        Assert.True(pb >= pa + 1000);
        a.Dispose();
        using var c = backend.Allocate(500);
        Assert.Equal(4000, backend.PeakBytes);
        b.Dispose();
        var host = new byte[] { 7, 7 };
        backend.Download(c, 0, host);
        Assert.Equal(new byte[2], host);
    }
}
