using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Tests.MmDit;
using Xunit;

namespace Locus.Models.Tests.Attention;

/// <summary>Capture vs a float64 host oracle from the engine's own q and k; k-means on the captured map vs the fixture; option errors.</summary>
public sealed class CaptureOracleTests
{
    [Theory]
    [InlineData("flux", 0, "transformer_blocks.0.attn", 0, false)]
    [InlineData("flux", 3, "single_transformer_blocks.1.attn", 0, false)]
    [InlineData("qwen", 1, "transformer_blocks.1.attn", 1, false)]
    [InlineData("flux", 2, "single_transformer_blocks.0.attn", 0, true)]
    [InlineData("qwen", 0, "transformer_blocks.0.attn", 1, true)]
    public void Capture_HostOracleFromSameQk_MatchesFloat64(string model, int layer, string attn, int item, bool bf16)
    {
        // f32: within 1e-6; bf16 activations (q, k rounded to bf16, LSE and maps in f32): within 1e-5 of the oracle from the same bf16 q, k
        double rtol = bf16 ? 1e-5 : 1e-6;
        var dtype = bf16 ? DType.BF16 : DType.F32;
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true, Layers = [layer] });
        float[]? q = null, k = null;
        NodeCallback grab = (node, ex) =>
        {
            if (node.Name == attn + ".q.rope")
            {
                q = ex.Read(node).ToFloatArray();
            }
            else if (node.Name == attn + ".k.rope")
            {
                k = ex.Read(node).ToFloatArray();
            }
        };
        var r = model == "flux" ? CaptureRun.Flux(capture, callback: grab, dtype: dtype) : CaptureRun.Qwen(capture, callback: grab, dtype: dtype);
        Assert.NotNull(q);
        Assert.NotNull(k);
        var keyBias = new float[39];
        if (model == "qwen")
        {
            var mask = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"))["encoder_hidden_states_mask"].ToFloatArray();
            for (int t = 0; t < 7; t++)
            {
                keyBias[t] = mask[(item * 7) + t] == 0f ? float.NegativeInfinity : 0f;
            }
        }
        var (jt, to, tt, lse) = AttentionOracle.Maps(q, k, 2, 39, 16, item, 7, 16, keyBias);
        var block = r.Maps!.Blocks.Single();
        Assert.Equal(layer, block.Layer);
        foreach (var (node, expected, name) in new[] { (block.JointText!, jt, "joint"), (block.TextOnly!, to, "text-only"), (block.TargetTarget!, tt, "target"), (block.Lse, lse, "lse") })
        {
            double err = AttentionOracle.RelError(CaptureRun.Item(r.Values[node], item).ToFloatArray(), expected);
            Assert.True(err <= rtol, $"{model} layer {layer} {name}: rel err {err:E3}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Capture_WithReferenceGrag_MatchesOracleWithModifiedReferenceKeys(bool targetRowsOnly)
    {
        // GRAG rewrites the reference keys inside the attention: k' = λ·μ + δ·(k − μ). The target rows' logits are the same
        // in the official and the row-restricted form, so the maps (target rows) stay exact: the capture uses the call's LSE.
        const float lambda = 0.9f, delta = 1.25f;
        var grag = new GragOptions { TargetRowsOnly = targetRowsOnly };
        var capture = new AttentionCapture(new AttentionCaptureOptions { PerBlock = true, Layers = [1] });
        float[]? q = null, k = null;
        NodeCallback grab = (node, ex) =>
        {
            if (node.Name == "transformer_blocks.1.attn.q.rope")
            {
                q = ex.Read(node).ToFloatArray();
            }
            else if (node.Name == "transformer_blocks.1.attn.k.rope")
            {
                k = ex.Read(node).ToFloatArray();
            }
        };
        var r = CaptureRun.Qwen(capture, callback: grab, grag: grag,
            extraInputs: new Dictionary<string, HostTensor> { [GragOptions.ScalesInput] = grag.Scales(lambda, delta) });
        Assert.NotNull(q);
        Assert.NotNull(k);
        var mask = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"))["encoder_hidden_states_mask"].ToFloatArray();
        var block = r.Maps!.Blocks.Single();
        for (int item = 0; item < 2; item++)
        {
            var kk = (float[])k.Clone();
            for (int h = 0; h < 2; h++)
            {
                long bh = ((long)item * 2) + h;
                for (int c = 0; c < 16; c++)
                {
                    double mu = 0;
                    for (int j = 23; j < 39; j++)
                    {
                        mu += k[((bh * 39) + j) * 16 + c];
                    }
                    mu /= 16;
                    for (int j = 23; j < 39; j++)
                    {
                        long at = ((bh * 39) + j) * 16 + c;
                        kk[at] = (float)((lambda * mu) + (delta * (k[at] - mu)));
                    }
                }
            }
            var keyBias = Enumerable.Range(0, 39).Select(j => j < 7 && mask[(item * 7) + j] == 0f ? float.NegativeInfinity : 0f).ToArray();
            var (jt, to, tt, _) = AttentionOracle.Maps(q, kk, 2, 39, 16, item, 7, 16, keyBias);
            foreach (var (node, expected, name) in new[] { (block.JointText!, jt, "joint"), (block.TextOnly!, to, "text-only"), (block.TargetTarget!, tt, "target") })
            {
                double err = AttentionOracle.RelError(CaptureRun.Item(r.Values[node], item).ToFloatArray(), expected);
                Assert.True(err <= 2e-6, $"item {item} {name}: rel err {err:E3}");
            }
        }
    }

    [Theory]
    [InlineData("flux_kontext_tiny", 0, "attention.safetensors")]
    [InlineData("qwen_image_edit_tiny", 0, "attention.safetensors")]
    [InlineData("qwen_image_edit_tiny", 1, "attention_batch1.safetensors")]
    public void KMeans_OnCapturedMeanTargetMap_ReproducesFixtureLabels(string model, int item, string file)
    {
        var capture = new AttentionCapture(new AttentionCaptureOptions { JointText = false, TextOnly = false });
        var r = model.StartsWith("flux", StringComparison.Ordinal) ? CaptureRun.Flux(capture) : CaptureRun.Qwen(capture);
        var refs = ModelFixtures.Load(CaptureRun.Attention(model, file));
        var x = CaptureRun.Item(r.Values[r.Maps!.TargetTarget!], item).ToFloatArray();
        var init = refs["kmeans.init_rows"].ToFloatArray().Select(v => (int)v).ToArray();
        Assert.Equal([0, 8, 15], init);
        var (labels, centroids, iterations) = AttentionOracle.Lloyd(x, 16, init);
        Assert.Equal(refs["kmeans.labels"].ToFloatArray().Select(v => (int)v), labels);
        Assert.Equal((int)refs["kmeans.iterations"].ToFloatArray()[0], iterations);
        double err = AttentionOracle.RelError(refs["kmeans.centroids"].ToFloatArray(), centroids);
        Assert.True(err <= 1e-5, $"centroids rel err {err:E3}");
    }

    [Fact]
    public void Build_BadCaptureOptions_ThrowTypedErrors()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var catalog = new Common.WeightStoreCatalog(store);
        var model = new FluxTransformer(FluxTransformerTests.Config());
        var seq = new SequenceLayout(1, 7, 16, 16);
        Exception Build(AttentionCaptureOptions o, GragOptions? grag = null, RegionBiasOptions? region = null) =>
            Assert.ThrowsAny<ArgumentException>(() => model.Build(new GraphBuilder(), catalog, seq, DType.F32, grag, capture: new AttentionCapture(o), regionBias: region));
        Assert.Contains("layer 4", Build(new() { Layers = [4] }).Message, StringComparison.Ordinal);
        Assert.Contains("no map", Build(new() { JointText = false, TextOnly = false, TargetTarget = false }).Message, StringComparison.Ordinal);
        Assert.Contains("pooling", Build(new() { PoolTargetTarget = true, GridHeight = 3, GridWidth = 5 }).Message, StringComparison.Ordinal);
        Assert.Contains("GRAG text group", Build(new(), new GragOptions { TextGroup = true }).Message, StringComparison.Ordinal);
        Assert.Contains("region bias", Build(new(), region: new RegionBiasOptions()).Message, StringComparison.Ordinal);
        var once = new AttentionCapture(new AttentionCaptureOptions());
        Assert.Throws<InvalidOperationException>(() => once.Maps);
        model.Build(new GraphBuilder(), catalog, seq, DType.F32, capture: once);
        Assert.Throws<ArgumentException>(() => model.Build(new GraphBuilder(), catalog, seq, DType.F32, capture: once));
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionCapture.Weight(float.NaN));
    }

    [Fact]
    public void Build_TargetMapOnlyWithRegionBias_IsAllowed()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var g = new GraphBuilder();
        var capture = new AttentionCapture(new AttentionCaptureOptions { JointText = false, TextOnly = false });
        new FluxTransformer(FluxTransformerTests.Config()).Build(g, new Common.WeightStoreCatalog(store), new SequenceLayout(1, 7, 16, 16), DType.F32,
            capture: capture, regionBias: new RegionBiasOptions());
        Assert.Equal(4, capture.Maps.CallCount);
        Assert.Contains(RegionBiasOptions.RowMaskInput, g.Inputs.Keys);
        Assert.Contains(AttentionCapture.WeightInput, g.Inputs.Keys);
    }
}
