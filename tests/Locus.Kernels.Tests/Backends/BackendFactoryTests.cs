using Locus.Kernels;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda;
using Locus.Kernels.Reference;
using Xunit;

namespace Locus.Kernels.Tests.Backends;

public sealed class BackendFactoryTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    [InlineData(" cpu ")]
    public void Open_Cpu_ReturnsCpuBackend(string name)
    {
        using var backend = BackendFactory.Open(name);
        Assert.IsType<CpuBackend>(backend);
        Assert.Equal("cpu", backend.Name);
    }

    [Fact]
    public void Open_Reference_ReturnsReferenceBackend()
    {
        using var backend = BackendFactory.Open("reference");
        Assert.IsType<ReferenceBackend>(backend);
    }

    [Fact]
    public void Open_Auto_PicksCudaOnlyWhenUsable()
    {
        using var backend = BackendFactory.Open("auto");
        if (CudaBackend.IsAvailable(out _))
        {
            Assert.Equal("cuda:0", backend.Name);
        }
        else
        {
            Assert.IsType<CpuBackend>(backend);
        }
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void Open_CudaWithoutDevice_ThrowsNotSupportedNamingTheArgument(string name)
    {
        Assert.SkipWhen(CudaBackend.IsAvailable(out _), "CUDA is usable on this machine");
        var e = Assert.Throws<NotSupportedException>(() => BackendFactory.Open(name, "--device"));
        Assert.StartsWith($"--device {name}: CUDA is not usable here: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Open_UnknownName_ThrowsArgumentExceptionListingTheNames(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => BackendFactory.Open(name, "--device"));
        Assert.Equal("--device", e.ParamName);
        Assert.Contains($"'{name}' is not one of cpu, cuda, auto, reference or cuda:N", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("cuda")]
    [InlineData("cuda:3")]
    [InlineData("auto")]
    [InlineData("reference")]
    public void ValidateName_KnownName_DoesNotThrowOrOpenAnything(string name) => BackendFactory.ValidateName(name, "--device");

    [Fact]
    public void ValidateName_UnknownName_Throws() =>
        Assert.Equal("--device", Assert.Throws<ArgumentException>(() => BackendFactory.ValidateName("tpu", "--device")).ParamName);
}
