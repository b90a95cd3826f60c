using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Tests.MmDit;
using Xunit;

namespace Locus.Models.Tests.Attention;

/// <summary>Model-level attention capture vs the maps recorded inside the diffusers model code (tests/fixtures/attention).</summary>
public sealed class CaptureFixtureTests
{
    private const double Rtol = 1e-5;

    // The Flux forward itself deviates from diffusers by more than diffusers' own float32 round-off: joint LSE rel err
    // 1.1e-6 at double.0 growing to 3.2e-6 at single.1 (also on the reference backend), so single.1's probabilities land
    // at 1.1e-5. Capture_HostOracleFromSameQk shows the capture itself is exact to 1e-6 from the engine's q and k.
    private const double FluxRtol = 2e-5;

    private static readonly string[] s_fluxBlocks = ["block.double.0", "block.double.1", "block.single.0", "block.single.1"];
    private static readonly string[] s_qwenBlocks = ["block.double.0", "block.double.1"];

    [Fact]
    public void FluxCapture_PerBlockAndMean_MatchFixture()
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true });
        var r = CaptureRun.Flux(capture);
        var refs = ModelFixtures.Load(CaptureRun.Attention("flux_kontext_tiny", "attention.safetensors"));
        Assert.Equal(4, r.Maps!.CallCount);
        var failures = Compare(r, refs, s_fluxBlocks, 0, FluxRtol);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Theory]
    [InlineData(0, "attention.safetensors")]
    [InlineData(1, "attention_batch1.safetensors")]
    public void QwenCapture_PerBlockAndMean_MatchFixture(int item, string file)
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true });
        var r = CaptureRun.Qwen(capture);
        var refs = ModelFixtures.Load(CaptureRun.Attention("qwen_image_edit_tiny", file));
        var failures = Compare(r, refs, s_qwenBlocks, item, Rtol);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public void QwenCapture_PaddedTextColumns_AreExactlyZero()
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true });
        var r = CaptureRun.Qwen(capture);
        var maps = r.Maps!;
        var nodes = new[] { maps.JointText!, maps.TextOnly! }.Concat(maps.Blocks.SelectMany(b => new[] { b.JointText!, b.TextOnly! }));
        foreach (var node in nodes)
        {
            var m = CaptureRun.Item(r.Values[node], 1).ToFloatArray();
            for (int a = 0; a < 16; a++)
            {
                Assert.Equal(0f, m[(a * 7) + 5]);
                Assert.Equal(0f, m[(a * 7) + 6]);
                Assert.True(m[a * 7] > 0f, $"{node.Name}: valid column 0 of row {a} must be positive");
            }
        }
    }

    [Fact]
    public void FluxCapture_AccumulatedMeans_MatchFixtureMeans()
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions());
        var r = CaptureRun.Flux(capture);
        var refs = ModelFixtures.Load(CaptureRun.Attention("flux_kontext_tiny", "attention.safetensors"));
        Assert.Empty(r.Maps!.Blocks);
        Check(r.Values[r.Maps.JointText!], refs["mean.joint.tgt_txt"], "joint.tgt_txt", Rtol);
        Check(r.Values[r.Maps.TextOnly!], refs["mean.textonly.tgt_txt"], "textonly.tgt_txt", Rtol);
        Check(r.Values[r.Maps.TargetTarget!], refs["mean.joint.tgt_tgt"], "joint.tgt_tgt", Rtol);
    }

    [Fact]
    public void QwenCapture_AccumulatedMeansWithWeight_ScaleTheFixtureMeans()
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions());
        var r = CaptureRun.Qwen(capture, weight: 0.25f);
        var refs = ModelFixtures.Load(CaptureRun.Attention("qwen_image_edit_tiny", "attention_batch1.safetensors"));
        foreach (var (node, name) in new[] { (r.Maps!.JointText!, "joint.tgt_txt"), (r.Maps.TextOnly!, "textonly.tgt_txt"), (r.Maps.TargetTarget!, "joint.tgt_tgt") })
        {
            var expected = refs["mean." + name].ToFloatArray().Select(v => v * 0.25f).ToArray();
            double err = ModelFixtures.RelError(CaptureRun.Item(r.Values[node], 1), HostTensor.FromFloats(refs["mean." + name].Shape, expected));
            Assert.True(err <= Rtol, $"{name}: rel err {err:E3}");
        }
    }

    [Fact]
    public void FluxCapture_PooledTargetMap_EqualsPooledFixtureMean()
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { JointText = false, TextOnly = false, PoolTargetTarget = true, GridHeight = 4, GridWidth = 4 });
        var r = CaptureRun.Flux(capture);
        var full = ModelFixtures.Load(CaptureRun.Attention("flux_kontext_tiny", "attention.safetensors"))["mean.joint.tgt_tgt"].ToFloatArray();
        // oracle: mean over the 2×2 cells of the 4×4 grid on both axes, in double
        var pooled = new float[16];
        for (int r2 = 0; r2 < 4; r2++)
        {
            for (int c2 = 0; c2 < 4; c2++)
            {
                double s = 0;
                foreach (int a in Cell(r2))
                {
                    foreach (int c in Cell(c2))
                    {
                        s += full[(a * 16) + c];
                    }
                }
                pooled[(r2 * 4) + c2] = (float)(s / 16);
            }
        }
        Check(r.Values[r.Maps!.TargetTarget!], HostTensor.FromFloats(new Shape(4, 4), pooled), "pooled tgt_tgt", Rtol);
    }

    [Theory]
    [InlineData("flux")]
    [InlineData("qwen")]
    public void Capture_DoesNotChangeSample_BitExact(string model)
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true, Layers = [1] });
        var with = model == "flux" ? CaptureRun.Flux(capture) : CaptureRun.Qwen(capture);
        var without = model == "flux" ? CaptureRun.Flux(null) : CaptureRun.Qwen(null);
        Assert.Equal(without.Sample.ToFloatArray(), with.Sample.ToFloatArray());
        Assert.Equal(1, with.Maps!.CallCount);
        Assert.Equal(1, with.Maps.Blocks.Single().Layer);
    }

    /// <summary>The four points of pooled cell <paramref name="p"/> on a 4×4 grid (row-major tokens).</summary>
    private static int[] Cell(int p)
    {
        int y = 2 * (p / 2), x = 2 * (p % 2);
        return [(y * 4) + x, (y * 4) + x + 1, ((y + 1) * 4) + x, ((y + 1) * 4) + x + 1];
    }

    private static void Check(HostTensor actual, HostTensor expected, string name, double rtol)
    {
        double err = ModelFixtures.RelError(CaptureRun.Item(actual, 0), expected);
        Assert.True(err <= rtol, $"{name}: rel err {err:E3}");
    }

    private static List<string> Compare(CaptureRun.Result r, Dictionary<string, HostTensor> refs, string[] blocks, int item, double rtol)
    {
        var failures = new List<string>();
        void One(HostTensor ours, string name)
        {
            double e = ModelFixtures.RelError(CaptureRun.Item(ours, item), refs[name]);
            if (!(e <= rtol))
            {
                failures.Add($"{name}: {e:E3}");
            }
        }
        var maps = r.Maps!;
        Assert.Equal(blocks.Length, maps.Blocks.Count);
        for (int i = 0; i < blocks.Length; i++)
        {
            var b = maps.Blocks[i];
            Assert.Equal(i, b.Layer);
            One(r.Values[b.JointText!], blocks[i] + ".joint.tgt_txt");
            One(r.Values[b.TextOnly!], blocks[i] + ".textonly.tgt_txt");
            One(r.Values[b.TargetTarget!], blocks[i] + ".joint.tgt_tgt");
            One(r.Values[b.Lse], blocks[i] + ".joint.lse");
        }
        One(r.Values[maps.JointText!], "mean.joint.tgt_txt");
        One(r.Values[maps.TextOnly!], "mean.textonly.tgt_txt");
        One(r.Values[maps.TargetTarget!], "mean.joint.tgt_tgt");
        return failures;
    }
}
