using Locus.Engine.IO.Images;
using Xunit;

namespace Locus.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_TwoSteps_WritesHtmlPngsAndSaysWeightsAreRandom()
    {
        string dir = Path.Combine(Path.GetTempPath(), "locus-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = EditCommandTests.Invoke("demo", "--out", dir, "--steps", "2", "--seed", "4");
            Assert.True(code == 0, error);
            Assert.Empty(error);
            Assert.Contains("RANDOM", output, StringComparison.Ordinal);
            Assert.Contains("locus edit --model", output, StringComparison.Ordinal);
            Assert.Contains(Path.GetFullPath(dir), output, StringComparison.Ordinal);
            string html = File.ReadAllText(Path.Combine(dir, "index.html"));
            string[] outputs = ["out-none.png", "out-user-mask-composite.png", "out-user-mask-blend.png", "out-user-mask-blend-grag.png", "out-user-mask-adapter.png", "out-attention-mask-bias.png", "map-attention-mask-bias.png",
                "out-predicted-mask-adapter.png"];
            foreach (string png in outputs.Concat(["source.png", "mask.png", "mask-used-user-mask-blend.png"]))
            {
                Assert.Contains($"src=\"{png}\"", html, StringComparison.Ordinal);
                var image = ImageCodec.Load(Path.Combine(dir, png));
                Assert.Equal((192, 128), (image.Width, image.Height));
            }
            Assert.Contains("VAE encode", html, StringComparison.Ordinal);
            Assert.Contains("RANDOM", html, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "model", "transformer", "config.json")));
            Assert.True(File.Exists(Path.Combine(dir, "prompt.safetensors")));
            Assert.True(File.Exists(Path.Combine(dir, "adapter", "region_adapter.json")));
            Assert.Contains("mask stage", html, StringComparison.Ordinal);
            // The demo folder is a valid `locus edit` input.
            var (editCode, _, editError) = EditCommandTests.Invoke("edit", "--model", Path.Combine(dir, "model"), "--image", Path.Combine(dir, "source.png"),
                "--embeds", Path.Combine(dir, "prompt.safetensors"), "--out", Path.Combine(dir, "cli.png"), "--steps", "1");
            Assert.True(editCode == 0, editError);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void Demo_ZeroSteps_OneErrorLine()
    {
        var (code, _, error) = EditCommandTests.Invoke("demo", "--out", Path.Combine(Path.GetTempPath(), "unused-demo"), "--steps", "0");
        Assert.Equal(2, code);
        Assert.Equal("error: --steps must be in [1, 100], got 0", error.Trim());
    }
}
