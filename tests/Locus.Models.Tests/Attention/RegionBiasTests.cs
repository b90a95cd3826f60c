using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Tests.MmDit;
using Xunit;

namespace Locus.Models.Tests.Attention;

/// <summary>Region attention bias in the Flux and Qwen joint attentions.</summary>
public sealed class RegionBiasTests
{
    [Theory]
    [InlineData("flux")]
    [InlineData("qwen")]
    public void RegionBias_AllOnesMask_EqualsNoBiasBitExact(string model)
    {
        var ones = HostTensor.FromFloats(new Shape(4, 4), Enumerable.Repeat(1f, 16).ToArray());
        var region = new RegionBiasOptions();
        var with = model == "flux" ? CaptureRun.Flux(null, region, ones) : CaptureRun.Qwen(null, region, ones);
        var without = model == "flux" ? CaptureRun.Flux(null) : CaptureRun.Qwen(null);
        Assert.Equal(without.Sample.ToFloatArray(), with.Sample.ToFloatArray());
    }

    [Theory]
    [InlineData("flux", "transformer_blocks.1.attn", float.NegativeInfinity)]
    [InlineData("flux", "single_transformer_blocks.0.attn", float.NegativeInfinity)]
    [InlineData("flux", "single_transformer_blocks.1.attn", -2f)]
    [InlineData("qwen", "transformer_blocks.1.attn", float.NegativeInfinity)]
    [InlineData("qwen", "transformer_blocks.0.attn", -2f)]
    public void RegionBias_Mask_MatchesFloat64AttentionOracle(string model, string attn, float bias)
    {
        // target tokens 0..5 inside, 6..15 outside; instruction tokens 1, 2, 4
        var mask = HostTensor.FromFloats(new Shape(16), Enumerable.Range(0, 16).Select(i => i < 6 ? 1f : 0f).ToArray());
        var region = new RegionBiasOptions { Bias = bias, TextTokens = [1, 2, 4] };
        float[]? q = null, k = null, v = null, o = null;
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
            else if (node.Name == attn + ".v.bhnd")
            {
                v = ex.Read(node).ToFloatArray();
            }
            else if (node.Name == attn + ".sdpa")
            {
                o = ex.Read(node).ToFloatArray();
            }
        };
        var r = model == "flux" ? CaptureRun.Flux(null, region, mask, callback: grab) : CaptureRun.Qwen(null, region, mask, callback: grab);
        Assert.True(q is not null && k is not null && v is not null && o is not null, "attention tensors captured");
        int batch = model == "flux" ? 1 : 2;
        var textMask = model == "qwen" ? ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"))["encoder_hidden_states_mask"].ToFloatArray() : null;
        double maxDiff = 0, maxRef = 0;
        const int n = 39, d = 16, h = 2;
        var l = new double[n];
        for (int b = 0; b < batch; b++)
        {
            for (int hh = 0; hh < h; hh++)
            {
                long bh = ((long)b * h) + hh;
                for (int i = 0; i < n; i++)
                {
                    bool outside = i >= 7 && i < 23 && i - 7 >= 6;
                    for (int j = 0; j < n; j++)
                    {
                        double dot = 0;
                        for (int e = 0; e < d; e++)
                        {
                            dot += (double)q[((bh * n) + i) * d + e] * k[((bh * n) + j) * d + e];
                        }
                        l[j] = dot / Math.Sqrt(d);
                        if (textMask is not null && j < 7 && textMask[(b * 7) + j] == 0f)
                        {
                            l[j] = double.NegativeInfinity;
                        }
                        if (outside && j is 1 or 2 or 4)
                        {
                            l[j] += bias;
                        }
                    }
                    double max = l.Max(), sum = l.Sum(x => Math.Exp(x - max));
                    for (int e = 0; e < d; e++)
                    {
                        double acc = 0;
                        for (int j = 0; j < n; j++)
                        {
                            acc += Math.Exp(l[j] - max) / sum * v[((bh * n) + j) * d + e];
                        }
                        long at = ((bh * n) + i) * d + e;
                        maxDiff = Math.Max(maxDiff, Math.Abs(o[at] - acc));
                        maxRef = Math.Max(maxRef, Math.Abs(acc));
                    }
                }
            }
        }
        Assert.True(maxDiff <= 2e-6 * maxRef, $"attention output rel err {maxDiff / maxRef:E3}");
        var plain = model == "flux" ? CaptureRun.Flux(null) : CaptureRun.Qwen(null);
        Assert.True(ModelFixtures.RelError(r.Sample, plain.Sample) > 1e-4, "the region bias must change the output");
    }

    [Fact]
    public void CaptureThenRegionBias_MaskFromCapturedMaps_ComposesIntoAFiniteChangedEdit()
    {
        // stage 1: localisation pass with capture (pooled self-attention); stage 2: the same forward with the region bias
        var capture = new AttentionCapture(new AttentionCaptureOptions { JointText = false, PoolTargetTarget = true, GridHeight = 4, GridWidth = 4, Layers = [1, 2, 3] });
        var stage1 = CaptureRun.Flux(capture);
        using var backend = new Kernels.Cpu.CpuBackend();
        var settings = new Models.Editing.AttentionMaskSettings { Clusters = 2, FocalTopK = 1, DilationRadius = 0 };
        var mask = Models.Editing.AttentionMaskBuilder.Build(backend, stage1.Values[capture.Maps.TextOnly!], stage1.Values[capture.Maps.TargetTarget!], [2, 3], 4, 4, settings).Mask;
        var inside = mask.ToFloatArray().Count(v => v == 1f);
        Assert.InRange(inside, 4, 12); // two clusters of 2×2 cells: the mask is a proper part of the grid
        var stage2 = CaptureRun.Flux(null, new RegionBiasOptions { TextTokens = [2, 3] }, mask);
        Assert.All(stage2.Sample.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        Assert.True(ModelFixtures.RelError(stage2.Sample, stage1.Sample) > 1e-4, "the region bias must change the edit");
    }

    [Fact]
    public void Inputs_GridMask_RowsAndColumns()
    {
        var seq = new SequenceLayout(2, 3, 4, 2);
        var grid = HostTensor.FromFloats(new Shape(2, 2), [1f, 0.2f, 0.5f, 0f]);
        var inputs = new RegionBiasOptions { TextTokens = [2, 0] }.Inputs(grid, seq);
        Assert.Equal(new Shape(2, 9), inputs[RegionBiasOptions.RowMaskInput].Shape);
        float[] row = [1, 1, 1, 1, 0, 1, 0, 1, 1];
        Assert.Equal(row.Concat(row), inputs[RegionBiasOptions.RowMaskInput].ToFloatArray());
        Assert.Equal([1f, 0, 1, 0, 0, 0, 0, 0, 0], inputs[RegionBiasOptions.ColumnMaskInput].ToFloatArray());
        var all = new RegionBiasOptions().Inputs(HostTensor.FromFloats(new Shape(2, 4), [1f, 1, 1, 1, 0, 0, 0, 0]), seq);
        Assert.Equal([1f, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1], all[RegionBiasOptions.RowMaskInput].ToFloatArray());
        Assert.Equal([1f, 1, 1, 0, 0, 0, 0, 0, 0], all[RegionBiasOptions.ColumnMaskInput].ToFloatArray());
    }

    [Fact]
    public void Inputs_BadValues_ThrowTypedErrors()
    {
        var seq = new SequenceLayout(1, 3, 4, 2);
        var mask = HostTensor.FromFloats(new Shape(4), [1f, 0, 0, 1]);
        var e = Assert.Throws<ArgumentException>(() => new RegionBiasOptions { TextTokens = [1, 3] }.Inputs(mask, seq));
        Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("text length 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions { TextTokens = [-1] }.Inputs(mask, seq));
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions { TextTokens = [] }.Inputs(mask, seq));
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions { Bias = float.NaN }.Inputs(mask, seq));
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions { Bias = float.PositiveInfinity }.Inputs(mask, seq));
        Assert.Contains("target tokens", Assert.Throws<ArgumentException>(() => new RegionBiasOptions().Inputs(HostTensor.FromFloats(new Shape(5), new float[5]), seq)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions().Inputs(HostTensor.FromFloats(new Shape(4), [1f, 2f, 0, 0]), seq));
        Assert.Throws<ArgumentException>(() => new RegionBiasOptions().Inputs(HostTensor.FromFloats(new Shape(4), [1f, float.NaN, 0, 0]), seq));
    }

    [Fact]
    public void Build_BadTextToken_ThrowsNamingIndexAndLength()
    {
        using var store = Engine.IO.WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        var e = Assert.Throws<ArgumentException>(() => new QwenImageTransformer(QwenImageTransformerTests.Config()).Build(new GraphBuilder(), new Common.WeightStoreCatalog(store),
            new SequenceLayout(1, 7, 16, 16), DType.F32, regionBias: new RegionBiasOptions { TextTokens = [7] }));
        Assert.Contains("index 7", e.Message, StringComparison.Ordinal);
    }
}
