using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>Tests that measure the process's managed heap: they run alone, after the parallel tests (other tests' allocations would count).</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>Cancelling edits again and again at different points (between steps and inside graphs) leaves memory flat.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class EditPipelineCancellationTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Edit_Cancelled100TimesAtDifferentNodes_DeviceAndManagedMemoryStayFlat()
    {
        using var backend = new TrackingBackend();
        using var pipeline = EditPipeline.Open(fixture.Root, backend);
        int nodes = 0;
        backend.OnExecute = _ => nodes++;
        pipeline.Edit(TinyModelFixture.Request(steps: 2), null, TestContext.Current.CancellationToken);
        int nodesPerEdit = nodes;
        Assert.True(nodesPerEdit > 100, $"expected a real graph, ran {nodesPerEdit} nodes");

        // Baseline: one cancellation drops the sessions; what is left is the weights.
        var baselineBuffers = CancelAfter(backend, pipeline, 1);
        long baselineBytes = backend.LiveBytes;
        long managedAfterWarmUp = 0;
        for (int i = 0; i < 100; i++)
        {
            int at = 1 + (int)((long)i * 7919 % (nodesPerEdit - 1));                // spread over encode, steps and decode
            int live = CancelAfter(backend, pipeline, at);
            Assert.Equal(baselineBuffers, live);
            Assert.Equal(baselineBytes, backend.LiveBytes);
            if (i == 19)
            {
                managedAfterWarmUp = ManagedBytes();                                  // one-time caches (kernel scratch, JIT) are in by now
            }
        }
        // A leak grows with the cancellations; 80 more must not add more than a few MiB.
        long growth = ManagedBytes() - managedAfterWarmUp;
        Assert.True(growth < 8L << 20, $"managed heap grew by {growth / 1048576.0:F1} MiB over the last 80 of 100 cancelled edits");

        // Still usable, and the same result as a fresh run.
        backend.OnExecute = null;
        var after = pipeline.Edit(TinyModelFixture.Request(steps: 2), null, TestContext.Current.CancellationToken);
        var fresh = fixture.Pipeline.Edit(TinyModelFixture.Request(steps: 2), null, TestContext.Current.CancellationToken);
        Assert.Equal(fresh.Image.Rgb, after.Image.Rgb);
    }

    private static int CancelAfter(TrackingBackend backend, EditPipeline pipeline, int nodes)
    {
        using var cts = new CancellationTokenSource();
        int seen = 0;
        backend.OnExecute = _ =>
        {
            if (++seen == nodes)
            {
                cts.Cancel();
            }
        };
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Edit(TinyModelFixture.Request(steps: 2), null, cts.Token));
        return backend.Live.Count;
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>A model that produces NaN stops the edit with a typed error instead of returning a NaN image.</summary>
public sealed class EditPipelineNumericsTests
{
    [Fact]
    public void Edit_NaNWeight_ThrowsEditNumericsExceptionNamingTheStep()
    {
        string root = Path.Combine(Path.GetTempPath(), "locus-nan-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinyKontextModel.Write(root, seed: 3);
            string file = Directory.GetFiles(Path.Combine(root, "transformer"), "*.safetensors").Single();
            Dictionary<string, Engine.Tensors.HostTensor> tensors;
            using (var store = Engine.IO.WeightStore.Open(file))
            {
                tensors = store.Keys.ToDictionary(k => k, k => store.Read(k), StringComparer.Ordinal);
            }
            var proj = tensors["proj_out.bias"];
            var values = proj.ToFloatArray();
            values[0] = float.NaN;
            tensors["proj_out.bias"] = Engine.Tensors.HostTensor.FromFloats(proj.Shape, values);
            Engine.IO.Safetensors.SafetensorsWriter.Write(file, tensors);
            using var backend = new Kernels.Cpu.CpuBackend();
            using var pipeline = EditPipeline.Open(root, backend);
            var e = Assert.Throws<EditNumericsException>(() => pipeline.Edit(TinyModelFixture.Request(steps: 3), null, TestContext.Current.CancellationToken));
            Assert.Contains("at step 1 of 3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
