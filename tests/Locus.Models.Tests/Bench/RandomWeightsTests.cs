using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Common;
using Xunit;

namespace Locus.Models.Tests.Bench;

public sealed class RandomWeightsTests
{
    [Fact]
    public void Bind_SameNameFromTwoGraphs_SharesOneBuffer_AnotherBackendGetsItsOwn()
    {
        // Two step graphs of one synthetic pipeline (two text lengths) must not hold two copies of a 40 GB model.
        using var weights = new RandomWeights(DType.F32);
        using var cpu = new CpuBackend();
        using var other = new CpuBackend();
        var a = Weight(weights, "blocks.0.proj.weight", new Shape(8, 4));
        var b = Weight(weights, "blocks.0.proj.weight", new Shape(8, 4));
        var first = weights.Bind(a, cpu);
        Assert.Same(first.Buffer, weights.Bind(b, cpu).Buffer);
        var elsewhere = weights.Bind(b, other);
        Assert.NotSame(first.Buffer, elsewhere.Buffer);
        Assert.Equal(first.Desc, elsewhere.Desc);
        Assert.NotSame(first.Buffer, weights.Bind(Weight(weights, "blocks.1.proj.weight", new Shape(8, 4)), cpu).Buffer);
    }

    [Fact]
    public void Bind_SameNameWithAnotherShape_ThrowsNamingTheWeight()
    {
        using var weights = new RandomWeights(DType.F32);
        using var cpu = new CpuBackend();
        weights.Bind(Weight(weights, "norm.weight", new Shape(4)), cpu);
        var e = Assert.Throws<InvalidOperationException>(() => weights.Bind(Weight(weights, "norm.weight", new Shape(6)), cpu));
        Assert.Contains("norm.weight", e.Message, StringComparison.Ordinal);
    }

    private static Node Weight(RandomWeights weights, string name, Shape shape)
    {
        var g = new GraphBuilder();
        return g.Weight(name, weights.Declare(name, shape), shape);
    }
}
