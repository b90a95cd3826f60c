using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.Bench;

/// <summary>The benchmark's shared random weights: one device copy per name, the adapter catalog is exactly the spec.</summary>
public sealed class AdapterBenchWeightsTests
{
    private static readonly RegionAdapterConfig Config = AdapterBench.Config(new ModelBenchSetup("qwen-image-edit", Blocks: 2, Heads: 2, HeadDim: 16));

    [Fact]
    public void Bind_SameNameTwice_ReturnsTheSameStorage()
    {
        using var backend = new CpuBackend();
        using var weights = new AdapterBenchWeights(Config, DType.F32);
        var a = new GraphBuilder().Weight("transformer_blocks.0.attn.to_q.weight", DType.F32, new Shape(32, 32));
        var b = new GraphBuilder().Weight("transformer_blocks.0.attn.to_q.weight", DType.F32, new Shape(32, 32));
        var first = weights.Bind(a, backend);
        var second = weights.Bind(b, backend);
        Assert.Same(first.Buffer, second.Buffer);
        Assert.Equal(first.ByteOffset, second.ByteOffset);
    }

    [Fact]
    public void Bind_SameNameOtherShape_ThrowsNamingTheWeight()
    {
        using var backend = new CpuBackend();
        using var weights = new AdapterBenchWeights(Config, DType.F32);
        weights.Bind(new GraphBuilder().Weight("region_adapter.blocks.0.ff.fc1.weight", DType.F32, new Shape(64, 32)), backend);
        var e = Assert.Throws<InvalidOperationException>(() =>
            weights.Bind(new GraphBuilder().Weight("region_adapter.blocks.0.ff.fc1.weight", DType.F32, new Shape(32, 64)), backend));
        Assert.Contains("'region_adapter.blocks.0.ff.fc1.weight'", e.Message, StringComparison.Ordinal);
        Assert.Contains("was bound as", e.Message, StringComparison.Ordinal);
        Assert.Contains("a later graph asks for", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adapter_Catalog_HoldsExactlyTheSpecTensors()
    {
        using var weights = new AdapterBenchWeights(Config, DType.BF16);
        var spec = RegionAdapterWeights.Shapes(Config);
        Assert.Equal(spec.Select(p => p.Key).Order(StringComparer.Ordinal), weights.Adapter.Keys.Order(StringComparer.Ordinal));
        Assert.True(weights.Adapter.TryGetInfo("region_adapter.blocks.1.ff.fc2.weight", out var dtype, out var shape));
        Assert.Equal((DType.BF16, new Shape(32, 64)), (dtype, shape));
        Assert.False(weights.Adapter.TryGetInfo("region_adapter.blocks.2.ff.fc2.weight", out _, out _));
        Assert.Equal(spec.Sum(p => p.Value.ElementCount), weights.AdapterParameterCount);
    }
}
