using Locus.Engine.IO.Safetensors;
using Locus.Engine.Positions;
using Xunit;

namespace Locus.Kernels.Tests.Core;

/// <summary>RoPE table builders against the diffusers fixture intermediates (tests/fixtures/diffusers).</summary>
public sealed class RopeTableTests
{
    private static float[] Read(SafetensorsFile f, string name) => f.Read(name).ToFloatArray();

    [Fact]
    public void FluxRope_KontextIds_MatchDiffusersPosEmbed()
    {
        using var io = SafetensorsFile.Open(CoreTestGraphs.Fixture("diffusers", "flux_kontext_tiny", "io.safetensors"));
        using var inter = SafetensorsFile.Open(CoreTestGraphs.Fixture("diffusers", "flux_kontext_tiny", "intermediates.safetensors"));
        float[] ids = [.. Read(io, "txt_ids"), .. Read(io, "img_ids")]; // [7 + 32, 3]
        var t = FluxRope.Build(ids, [4, 6, 6]);
        var cos = Read(inter, "pos_embed.cos"); // [39, 16]: each value twice (interleaved)
        var sin = Read(inter, "pos_embed.sin");
        Assert.Equal(39, t.Tokens);
        Assert.Equal(8, t.HalfDim);
        for (int n = 0; n < 39; n++)
        {
            for (int j = 0; j < 8; j++)
            {
                for (int r = 0; r < 2; r++)
                {
                    Assert.True(Math.Abs(cos[n * 16 + 2 * j + r] - t.Cos[n * 8 + j]) < 1e-6, $"cos[{n}, {j}]: {t.Cos[n * 8 + j]} vs {cos[n * 16 + 2 * j + r]}");
                    Assert.True(Math.Abs(sin[n * 16 + 2 * j + r] - t.Sin[n * 8 + j]) < 1e-6, $"sin[{n}, {j}]: {t.Sin[n * 8 + j]} vs {sin[n * 16 + 2 * j + r]}");
                }
            }
        }
    }

    [Fact]
    public void FluxRope_ImageIds_MatchFixtureTargetIds()
    {
        using var io = SafetensorsFile.Open(CoreTestGraphs.Fixture("diffusers", "flux_kontext_tiny", "io.safetensors"));
        float[] expected = Read(io, "img_ids");
        float[] ours = [.. FluxRope.ImageIds(4, 4, 0f), .. FluxRope.ImageIds(4, 4, 1f)];
        Assert.Equal(expected, ours);
    }

    [Fact]
    public void QwenRope_EditShapes_MatchDiffusersFreqs()
    {
        using var inter = SafetensorsFile.Open(CoreTestGraphs.Fixture("diffusers", "qwen_image_edit_tiny", "intermediates.safetensors"));
        (int, int, int)[] shapes = [(1, 4, 4), (1, 4, 4)];
        var img = QwenRope.BuildImages(shapes, [4, 6, 6]);
        var txt = QwenRope.BuildText(shapes, 7, [4, 6, 6]);
        AssertTable(img, Read(inter, "pos_embed.img_freqs.real"), Read(inter, "pos_embed.img_freqs.imag"), 32);
        AssertTable(txt, Read(inter, "pos_embed.txt_freqs.real"), Read(inter, "pos_embed.txt_freqs.imag"), 7);
        var joint = QwenRope.BuildJoint(shapes, 7, [4, 6, 6]);
        Assert.Equal(39, joint.Tokens);
        Assert.Equal(txt.Cos, joint.Rows(0, 7).Cos);
        Assert.Equal(img.Sin, joint.Rows(7, 32).Sin);
    }

    private static void AssertTable(RopeTables t, float[] real, float[] imag, int tokens)
    {
        Assert.Equal(tokens, t.Tokens);
        Assert.Equal(8, t.HalfDim);
        for (int i = 0; i < tokens * 8; i++)
        {
            Assert.True(Math.Abs(real[i] - t.Cos[i]) < 1e-6, $"cos[{i / 8}, {i % 8}]: {t.Cos[i]} vs {real[i]}");
            Assert.True(Math.Abs(imag[i] - t.Sin[i]) < 1e-6, $"sin[{i / 8}, {i % 8}]: {t.Sin[i]} vs {imag[i]}");
        }
    }

    [Fact]
    public void QwenRope_CentredHeights_SpanMinusHalfToHalfMinusOne()
    {
        // Axis dims (2, 2, 2): one frequency per axis, ω = 1, so the angle is the position itself.
        var t = QwenRope.BuildImages([(1, 5, 2)], [2, 2, 2]);
        var heights = Enumerable.Range(0, 10).Select(i => MathF.Round(MathF.Atan2(t.Sin[i * 3 + 1], t.Cos[i * 3 + 1]))).Distinct().ToArray();
        Assert.Equal([-3f, -2f, -1f, 0f, 1f], heights); // h = 5: r − (5 − 2)
        var text = QwenRope.BuildText([(1, 5, 2), (1, 2, 8)], 2, [2, 2, 2]);
        Assert.Equal(MathF.Cos(4f), text.Cos[0]); // P = max(5/2, 2/2, 2/2, 8/2) = 4
    }

    [Fact]
    public void Builders_BadAxes_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => FluxRope.Build(new float[6], [4, 5, 6]));
        Assert.Throws<ArgumentException>(() => FluxRope.Build(new float[5], [4, 6, 6]));
        Assert.Throws<ArgumentException>(() => QwenRope.BuildImages([(1, 4, 4)], [4, 6]));
        Assert.Throws<ArgumentException>(() => QwenRope.BuildText([(1, 4, 4)], 5000, [4, 6, 6]));
        Assert.Throws<ArgumentException>(() => QwenRope.BuildImages([(0, 4, 4)], [4, 6, 6]));
    }
}
