using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

public sealed class EditPipelineResourceTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Edit_Cancelled_ReleasesSessionAndVaeBuffers_DisposeReleasesAll()
    {
        using var backend = new TrackingBackend();
        var pipeline = EditPipeline.Open(fixture.Root, backend);
        try
        {
            pipeline.Edit(TinyModelFixture.Request(), null, TestContext.Current.CancellationToken);
            var afterFull = backend.Live.ToHashSet();          // weights + the cached session's arena
            using var cts = new CancellationTokenSource();
            var progress = new CancelAt(1, cts);
            Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Edit(TinyModelFixture.Request(steps: 3), progress, cts.Token));
            var afterCancel = backend.Live;
            Assert.All(afterCancel, b => Assert.Contains(b, afterFull));   // nothing new survives the cancelled edit
            Assert.True(afterCancel.Count < afterFull.Count, "the cancelled edit must drop the session's buffers");
        }
        finally
        {
            pipeline.Dispose();
        }
        Assert.Empty(backend.Live);
    }

    private sealed class CancelAt(int step, CancellationTokenSource cts) : IProgress<EditProgress>
    {
        public void Report(EditProgress value)
        {
            if (value.Step == step)
            {
                cts.Cancel();
            }
        }
    }
}
