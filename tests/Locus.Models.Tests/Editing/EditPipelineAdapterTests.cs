using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>The region adapter inside the edit pipeline: user and predicted masks, gate ≡ 0 identity, bad requests.</summary>
public sealed class EditPipelineAdapterTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Edit_AdapterGateZero_EqualsPipelineWithoutAdapterBitForBit()
    {
        using var dir = new TempAdapter(fixture.Root, closedGate: true);
        using var backend = new CpuBackend();
        using var pipeline = EditPipeline.Open(fixture.Root, backend, DType.F32, dir.Path);
        var request = TinyModelFixture.Request(seed: 9) with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)) };
        var adapted = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        var plain = fixture.Pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.True(adapted.AdapterUsed);
        Assert.False(plain.AdapterUsed);
        Assert.Equal(plain.Latents.Data, adapted.Latents.Data);
        Assert.Equal(plain.Image.Rgb, adapted.Image.Rgb);
    }

    [Fact]
    public void Edit_LiveAdapterUserMask_ChangesTheResult_NoAdapterFlagRestoresIt()
    {
        using var dir = new TempAdapter(fixture.Root, closedGate: false);
        using var backend = new CpuBackend();
        using var pipeline = EditPipeline.Open(fixture.Root, backend, DType.F32, dir.Path);
        var request = TinyModelFixture.Request(seed: 9) with { Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)) };
        var adapted = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        var off = pipeline.Edit(request with { UseAdapter = false }, null, TestContext.Current.CancellationToken);
        var plain = fixture.Pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.NotEqual(plain.Latents.Data, adapted.Latents.Data);
        Assert.False(off.AdapterUsed);
        Assert.Equal(plain.Latents.Data, off.Latents.Data);
        Assert.True(adapted.Timings.Mask > TimeSpan.Zero);
    }

    [Fact]
    public void Edit_PredictedMask_BinaryTokenGridUsedByFlowBlend()
    {
        using var dir = new TempAdapter(fixture.Root, closedGate: false, threshold: 0.5f);
        using var backend = new CpuBackend();
        using var pipeline = EditPipeline.Open(fixture.Root, backend, DType.F32, dir.Path);
        var request = TinyModelFixture.Request(seed: 4) with { Mask = MaskSource.Predicted, Blend = new BlendOptions() };
        var result = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.True(result.AdapterUsed);
        Assert.Equal(new Shape(6, 8), result.TokenMask!.Shape);
        var mask = result.TokenMask.ToFloatArray();
        Assert.All(mask, v => Assert.True(v is 0f or 1f));
        Assert.Equal(new Shape(48, 64), result.PixelMask!.Shape);
        BlendAssert.UnmaskedTokensEqualSource(result);
        // Same request, same mask and bytes (the prediction is deterministic).
        var again = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.Equal(result.TokenMask.Data, again.TokenMask!.Data);
        Assert.Equal(result.Image.Rgb, again.Image.Rgb);
    }

    [Fact]
    public void Edit_AttentionMaskWithAdapter_AdapterJoinsAfterLocalisation_GateZeroIsIdentity()
    {
        var request = TinyModelFixture.Request(seed: 12, steps: 4) with
        {
            Mask = MaskSource.FromAttention([0, 3]),
            Blend = new BlendOptions(),
            Capture = new AttentionCaptureSettings { Steps = 2 },
        };
        var plain = fixture.Pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        using (var closed = new TempAdapter(fixture.Root, closedGate: true))
        using (var backend = new CpuBackend())
        using (var pipeline = EditPipeline.Open(fixture.Root, backend, DType.F32, closed.Path))
        {
            var adapted = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
            Assert.True(adapted.AdapterUsed);
            Assert.Equal(plain.TokenMask!.Data, adapted.TokenMask!.Data);
            Assert.Equal(plain.Latents.Data, adapted.Latents.Data);
        }
        using var live = new TempAdapter(fixture.Root, closedGate: false);
        using var backend2 = new CpuBackend();
        using var livePipeline = EditPipeline.Open(fixture.Root, backend2, DType.F32, live.Path);
        Assert.NotEqual(plain.Latents.Data, livePipeline.Edit(request, null, TestContext.Current.CancellationToken).Latents.Data);
    }

    [Fact]
    public void Edit_PredictedMaskWithoutAdapter_ThrowsNamingTheAdapter()
    {
        var request = TinyModelFixture.Request() with { Mask = MaskSource.Predicted };
        var e = Assert.Throws<ArgumentException>(() => fixture.Pipeline.Edit(request, null, TestContext.Current.CancellationToken));
        Assert.Contains("adapter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AdapterForAnotherBackbone_ThrowsNamingTheConfigFile()
    {
        using var dir = new TempAdapter(fixture.Root, closedGate: false, hiddenSize: 16);
        using var backend = new CpuBackend();
        var e = Assert.Throws<ArgumentException>(() => EditPipeline.Open(fixture.Root, backend, DType.F32, dir.Path));
        Assert.Contains(RegionAdapterFiles.ConfigFile, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not fit the backbone", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A random adapter for the tiny backbone in a temp folder; optionally with every gate closed (σ = 0 exactly).</summary>
    private sealed class TempAdapter : IDisposable
    {
        public TempAdapter(string modelRoot, bool closedGate, float threshold = 0.5f, int? hiddenSize = null)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "locus-adapter-" + Guid.NewGuid().ToString("N"));
            var config = RegionAdapterFiles.ForBackbone(modelRoot) with { Threshold = threshold, Dilation = 1 };
            if (hiddenSize is { } d)
            {
                config = config with { HiddenSize = d, Heads = d / config.HeadDim, FfnDim = 2 * d };
            }
            RegionAdapterFiles.WriteRandom(config, Path, seed: 5, DType.F32);
            if (closedGate)
            {
                string file = System.IO.Path.Combine(Path, RegionAdapterFiles.WeightsFile);
                Dictionary<string, HostTensor> tensors;
                using (var store = WeightStore.Open(file))
                {
                    tensors = RegionAdapterWeights.Shapes(config).ToDictionary(p => p.Key, p => store.Read(p.Key), StringComparer.Ordinal);
                }
                foreach (int b in config.AdaptedBlocks)
                {
                    tensors[$"region_adapter.blocks.{b}.gate.mlp.fc2.weight"] = new HostTensor(DType.F32, new Shape(1, config.GateDim));
                    tensors[$"region_adapter.blocks.{b}.gate.mlp.fc2.bias"] = HostTensor.FromFloats(new Shape(1), [-1e4f]);
                }
                SafetensorsWriter.Write(file, tensors);
            }
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
