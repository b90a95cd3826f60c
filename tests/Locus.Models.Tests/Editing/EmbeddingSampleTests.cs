using Locus.Engine.IO.Images;
using Locus.Models.Editing;
using Locus.Samples.Embedding;
using Xunit;

namespace Locus.Models.Tests.Editing;

/// <summary>The embedding sample (samples/Locus.Samples.Embedding) runs as documented: the library calls an application makes.</summary>
public sealed class EmbeddingSampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("locus-sample-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Model, string Image, string Embeds, string Mask) WriteInputs()
    {
        string model = TinyKontextModel.Write(Path.Combine(_dir, "model"));
        string image = Path.Combine(_dir, "in.png"), embeds = Path.Combine(_dir, "prompt.safetensors"), mask = Path.Combine(_dir, "mask.png");
        SampleInputs.Write(image, embeds, mask);
        return (model, image, embeds, mask);
    }

    [Fact]
    public async Task RunAsync_WithMask_WritesTheEditAndKeepsUnmaskedTokens()
    {
        var (model, image, embeds, mask) = WriteInputs();
        string output = Path.Combine(_dir, "out.png");
        var log = new StringWriter();

        var result = await EditExample.RunAsync(model, image, embeds, output, mask, "cpu", log, TestContext.Current.CancellationToken);

        var written = ImageCodec.Load(output);
        Assert.Equal((96, 64), (written.Width, written.Height));
        Assert.Contains($"{output}: 96×64 on cpu, 4 steps", log.ToString(), StringComparison.Ordinal);
        // The sample turns FlowBlend on with a mask: every token outside it is the source latent, bit for bit.
        Assert.InRange(BlendAssert.UnmaskedTokensEqualSource(result), 1, result.TokenMask!.Shape.ElementCount - 1);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        var (model, image, embeds, _) = WriteInputs();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EditExample.RunAsync(model, image, embeds, Path.Combine(_dir, "out.png"), null, "cpu", TextWriter.Null, cancel.Token));
        Assert.False(File.Exists(Path.Combine(_dir, "out.png")));
    }

    [Fact]
    public async Task RunAsync_UnknownDevice_ThrowsArgumentException()
    {
        var (model, image, embeds, _) = WriteInputs();
        await Assert.ThrowsAsync<ArgumentException>(() =>
            EditExample.RunAsync(model, image, embeds, Path.Combine(_dir, "out.png"), null, "tpu", TextWriter.Null, TestContext.Current.CancellationToken));
    }
}
