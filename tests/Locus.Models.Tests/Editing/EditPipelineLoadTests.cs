using Locus.Engine.IO.Safetensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>EditPipeline.Load and the first edit's lazy weight upload (EditStage.Load progress with bytes).</summary>
public sealed class EditPipelineLoadTests : IDisposable
{
    private readonly string _root = TinyKontextModel.Write(Path.Combine(Path.GetTempPath(), "locus-load-" + Guid.NewGuid().ToString("N")), seed: 5);
    private readonly CpuBackend _backend = new();

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Oracle: every tensor of the folder's safetensors files, read from their headers.</summary>
    private (int Tensors, long Bytes) Stored()
    {
        var entries = Directory.EnumerateFiles(_root, "*.safetensors", SearchOption.AllDirectories)
            .SelectMany(f => { using var file = SafetensorsFile.Open(f); return file.Tensors.ToArray(); }).ToArray();
        return (entries.Length, entries.Sum(e => e.ByteLength));
    }

    [Fact]
    public void Load_ReportsEveryStoredTensorAndByte_ThenNothingMoreToLoad()
    {
        using var pipeline = EditPipeline.Open(_root, _backend);
        var reports = new List<EditProgress>();
        pipeline.Load(new SyncProgress(reports.Add), TestContext.Current.CancellationToken);

        var (tensors, bytes) = Stored();
        Assert.All(reports, r => Assert.Equal(EditStage.Load, r.Stage));
        Assert.Equal((0, 0L), (reports[0].Step, reports[0].BytesLoaded));
        Assert.Equal((tensors, tensors, bytes, bytes), (reports[^1].Step, reports[^1].StepCount, reports[^1].BytesLoaded, reports[^1].BytesTotal));
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);

        reports.Clear();
        pipeline.Load(new SyncProgress(reports.Add), TestContext.Current.CancellationToken);
        Assert.Empty(reports);
        var result = pipeline.Edit(TinyModelFixture.Request(seed: 2), new SyncProgress(reports.Add), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(reports, r => r.Stage == EditStage.Load);
        Assert.Equal(TimeSpan.Zero, result.Timings.Load);
    }

    [Fact]
    public void Edit_WithoutLoad_ReportsLoadFirstAndEqualsThePreloadedEdit()
    {
        using var lazy = EditPipeline.Open(_root, _backend);
        var reports = new List<EditProgress>();
        var first = lazy.Edit(TinyModelFixture.Request(seed: 6), new SyncProgress(reports.Add), TestContext.Current.CancellationToken);
        Assert.Equal(EditStage.Load, reports[0].Stage);
        Assert.Equal(EditStage.Encode, reports.First(r => r.Stage != EditStage.Load).Stage);
        Assert.Equal(Stored().Bytes, reports.Last(r => r.Stage == EditStage.Load).BytesLoaded);
        Assert.True(first.Timings.Load > TimeSpan.Zero);

        using var backend = new CpuBackend();
        using var preloaded = EditPipeline.Open(_root, backend);
        preloaded.Load(null, TestContext.Current.CancellationToken);
        var second = preloaded.Edit(TinyModelFixture.Request(seed: 6), null, TestContext.Current.CancellationToken);
        Assert.Equal(first.Image.Rgb, second.Image.Rgb);
    }

    [Fact]
    public async Task LoadAsync_Cancelled_ThrowsAndALaterLoadCompletes()
    {
        using var pipeline = EditPipeline.Open(_root, _backend);
        using var cts = new CancellationTokenSource();
        var cancelling = new SyncProgress(r => { if (r.Step == 0) { cts.Cancel(); } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.LoadAsync(cancelling, cts.Token));

        var reports = new List<EditProgress>();
        await pipeline.LoadAsync(new SyncProgress(reports.Add), TestContext.Current.CancellationToken);
        Assert.Equal(Stored().Bytes, reports[^1].BytesLoaded);
    }

    private sealed class SyncProgress(Action<EditProgress> report) : IProgress<EditProgress>
    {
        public void Report(EditProgress value) => report(value);
    }
}
