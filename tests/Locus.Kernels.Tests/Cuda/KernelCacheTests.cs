using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Interop;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>Disk cache behaviour (needs libnvrtc; skipped otherwise).</summary>
public sealed class KernelCacheTests
{
    [Fact]
    public void GetOrCompile_SecondCacheSameDirectory_HitsDiskWithIdenticalImage()
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        string dir = Path.Combine(Path.GetTempPath(), "locus-kcache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var module = KernelCatalog.Get("conv");
            var first = new KernelCache(dir).GetOrCompile(module, "compute_80");
            Assert.Single(Directory.GetFiles(dir));
            var second = new KernelCache(dir).GetOrCompile(module, "compute_80");
            Assert.Equal(TimeSpan.Zero, second.Elapsed);
            Assert.Equal(first.Image, second.Image);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Key_DifferentArch_Differs()
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        var module = KernelCatalog.Get("norm");
        Assert.NotEqual(KernelCache.Key(module, "sm_80"), KernelCache.Key(module, "sm_90"));
        Assert.Equal(64, KernelCache.Key(module, "sm_90").Length);
    }

    [Fact]
    public void CandidateDirectories_LocusCudaPath_ComesFirst()
    {
        string dir = Path.Combine(Path.GetTempPath(), "locus-cudapath-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string? old = Environment.GetEnvironmentVariable("LOCUS_CUDA_PATH");
        try
        {
            Environment.SetEnvironmentVariable("LOCUS_CUDA_PATH", dir);
            Assert.Equal(dir, CudaLibraryResolver.CandidateDirectories().First());
        }
        finally
        {
            Environment.SetEnvironmentVariable("LOCUS_CUDA_PATH", old);
            Directory.Delete(dir);
        }
    }
}
