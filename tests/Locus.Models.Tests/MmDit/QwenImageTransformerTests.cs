using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class QwenImageTransformerTests
{
    private const double Rtol = 1e-5;

    internal static readonly (int, int, int)[] Shapes = [(1, 4, 4), (1, 4, 4)];

    internal static QwenImageTransformerConfig Config() =>
        QwenImageTransformerConfig.FromJsonText(ModelFixtures.CaseConfig(ModelFixtures.Qwen("CASE.json")), "qwen CASE.json");

    internal static HostTensor Forward(QwenImageTransformerConfig config, IReadOnlyDictionary<string, HostTensor> io, GragOptions? grag = null, HostTensor? scales = null, NodeCallback? callback = null)
    {
        var (inputs, seq, masked) = TransformerInputs.Qwen(io, config, Shapes);
        if (scales is not null)
        {
            inputs[GragOptions.ScalesInput] = scales;
        }
        using var store = WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        using var backend = new CpuBackend();
        using var session = TransformerSession.Qwen(config, store, seq, backend, DType.F32, masked, grag);
        return session.Run(inputs, callback, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Forward_FixtureInputs_MatchesDiffusersSample()
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        double err = ModelFixtures.RelError(Forward(Config(), io), io["sample"]);
        Assert.True(err <= Rtol, $"sample rel err {err:E3}");
    }

    [Fact]
    public void Forward_ZeroCondT_MatchesDiffusersSampleZeroCondT()
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        double err = ModelFixtures.RelError(Forward(Config() with { ZeroCondT = true }, io), io["sample_zero_cond_t"]);
        Assert.True(err <= Rtol, $"sample_zero_cond_t rel err {err:E3}");
    }

    [Fact]
    public void Forward_FixtureInputs_IntermediatesMatchDiffusers()
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var refs = ModelFixtures.Load(ModelFixtures.Qwen("intermediates.safetensors"));
        var names = new HashSet<string> { "img_in", "txt_norm", "txt_in", "time_text_embed.timestep_embedder.linear_2", "norm_out" };
        for (int i = 0; i < 2; i++)
        {
            names.Add($"transformer_blocks.{i}.hidden_states");
        }
        names.Add("transformer_blocks.0.encoder_hidden_states"); // the last block's text stream cannot reach the output (pruned)
        var ours = new Dictionary<string, HostTensor>();
        Forward(Config(), io, callback: (node, ex) =>
        {
            if (names.Contains(node.Name))
            {
                ours[node.Name] = ex.Read(node);
            }
        });
        var failures = new List<string>();
        foreach (var name in names)
        {
            string refName = name == "time_text_embed.timestep_embedder.linear_2" ? "time_text_embed" : name;
            double e = ModelFixtures.RelError(ours[name], refs[refName]);
            if (!(e <= Rtol))
            {
                failures.Add($"{name}: {e:E3}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public void RopeTables_FixtureShapes_MatchDiffusersFreqs()
    {
        var refs = ModelFixtures.Load(ModelFixtures.Qwen("intermediates.safetensors"));
        var (cos, sin) = RopeTables.Qwen(Shapes, 7, Config().AxesDimsRope);
        var c = cos.ToFloatArray();
        var s = sin.ToFloatArray();
        var txtRe = refs["pos_embed.txt_freqs.real"].ToFloatArray();
        var imgRe = refs["pos_embed.img_freqs.real"].ToFloatArray();
        var txtIm = refs["pos_embed.txt_freqs.imag"].ToFloatArray();
        var imgIm = refs["pos_embed.img_freqs.imag"].ToFloatArray();
        var re = txtRe.Concat(imgRe).ToArray();
        var im = txtIm.Concat(imgIm).ToArray();
        Assert.Equal(re.Length, c.Length);
        for (int i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs(c[i] - re[i]) <= 1e-6 && Math.Abs(s[i] - im[i]) <= 1e-6, $"entry {i}: ({c[i]}, {s[i]}) vs ({re[i]}, {im[i]})");
        }
    }

    [Fact]
    public void Build_TinyConfig_RequestsExactlyTheFixtureKeys()
    {
        using var store = WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        var g = new GraphBuilder();
        new QwenImageTransformer(Config()).Build(g, new Common.WeightStoreCatalog(store), new SequenceLayout(2, 7, 16, 16), DType.F32, textMask: true);
        Assert.Equal(store.Keys.OrderBy(k => k, StringComparer.Ordinal), g.Weights.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void DetectFromWeights_FixtureWeights_EqualsCaseConfig()
    {
        using var store = WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        int[] axes = [4, 6, 6];
        var detected = QwenImageTransformerConfig.DetectFromWeights(new Common.WeightStoreCatalog(store)) with { AxesDimsRope = axes };
        Assert.Equal(Config() with { AxesDimsRope = axes }, detected);
    }

    [Fact]
    public void MaskBias_PaddedText_IsMinusInfinityOnPaddedKeysOnly()
    {
        var mask = HostTensor.FromFloats(new Shape(2, 3), [1, 1, 1, 1, 0, 0]);
        var bias = QwenImageTransformer.MaskBias(mask, 2).ToFloatArray();
        float n = float.NegativeInfinity;
        Assert.Equal([0f, 0, 0, 0, 0, 0, n, n, 0, 0], bias);
        Assert.Throws<ArgumentException>(() => QwenImageTransformer.MaskBias(HostTensor.FromFloats(new Shape(1, 2), [1, 0.5f]), 2));
    }
}
