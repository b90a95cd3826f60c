using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class GragTests
{
    [Theory]
    [InlineData("sample.grag_1.0_1.10", 1.0f, 1.10f)]
    [InlineData("sample.grag_0.9_1.25", 0.9f, 1.25f)]
    [InlineData("sample.grag_1.0_1.0", 1.0f, 1.0f)]
    public void QwenForward_OfficialGrag_MatchesFixture(string name, float lambda, float delta)
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var expected = ModelFixtures.Load(ModelFixtures.Grag("outputs.safetensors"))[name];
        var grag = new GragOptions();
        var sample = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io, grag, grag.Scales(lambda, delta));
        double err = ModelFixtures.RelError(sample, expected);
        Assert.True(err <= 1e-5, $"{name} rel err {err:E3}");
    }

    [Fact]
    public void QwenForward_GragDifferentFromNone_ChangesOutput()
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var grag = new GragOptions();
        var sample = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io, grag, grag.Scales(0.9f, 1.25f));
        Assert.True(ModelFixtures.RelError(sample, io["sample"]) > 1e-3);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void QwenForward_IdentityScales_EqualsNoGrag(bool targetRowsOnly, bool textGroup)
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var grag = new GragOptions { TargetRowsOnly = targetRowsOnly, TextGroup = textGroup };
        var plain = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io);
        var withGrag = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io, grag, grag.Scales(1f, 1f));
        double err = ModelFixtures.RelError(withGrag, plain);
        Assert.True(err <= 2e-6, $"(1, 1) vs no GRAG rel err {err:E3}");
    }

    [Fact]
    public void QwenForward_TargetRowsOnly_DiffersFromOfficialButKeepsShape()
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var official = ModelFixtures.Load(ModelFixtures.Grag("outputs.safetensors"))["sample.grag_0.9_1.25"];
        var grag = new GragOptions { TargetRowsOnly = true };
        var rows = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io, grag, grag.Scales(0.9f, 1.25f));
        Assert.True(ModelFixtures.RelError(rows, official) > 1e-4, "row-restricted GRAG must differ from the all-rows form");
        Assert.True(ModelFixtures.RelError(rows, io["sample"]) > 1e-4, "row-restricted GRAG must change the output");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void QwenForward_Batch2Item_EqualsBatch1(int item)
    {
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var grag = new GragOptions();
        var batch2 = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), io, grag, grag.Scales(0.9f, 1.25f));
        var single = new Dictionary<string, HostTensor>
        {
            ["hidden_states"] = ModelFixtures.Item(io["hidden_states"], item),
            ["encoder_hidden_states"] = ModelFixtures.Item(io["encoder_hidden_states"], item),
            ["encoder_hidden_states_mask"] = ModelFixtures.Item(io["encoder_hidden_states_mask"], item),
            ["timestep"] = ModelFixtures.Item(io["timestep"], item),
        };
        var batch1 = QwenImageTransformerTests.Forward(QwenImageTransformerTests.Config(), single, grag, grag.Scales(0.9f, 1.25f));
        double err = ModelFixtures.RelError(batch1, ModelFixtures.Item(batch2, item));
        Assert.True(err <= 1e-6, $"item {item}: batch 1 vs batch 2 rel err {err:E3}");
    }

    [Fact]
    public void FluxForward_IdentityScalesAndEmptyLayerMask_EqualNoGrag()
    {
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var config = FluxTransformerTests.Config();
        var (inputs, seq) = TransformerInputs.Flux(io, config);
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        using var backend = new CpuBackend();
        HostTensor Run(GragOptions? grag, float l, float d)
        {
            var x = new Dictionary<string, HostTensor>(inputs);
            if (grag is not null)
            {
                x[GragOptions.ScalesInput] = grag.Scales(l, d);
            }
            using var s = TransformerSession.Flux(config, store, seq, backend, DType.F32, grag);
            return s.Run(x, null, TestContext.Current.CancellationToken);
        }
        var plain = Run(null, 1, 1);
        Assert.True(ModelFixtures.RelError(Run(new GragOptions(), 1f, 1f), plain) <= 2e-6);
        Assert.True(ModelFixtures.RelError(Run(new GragOptions { Layers = new HashSet<int>() }, 0.9f, 1.25f), plain) <= 1e-7);
        var all = Run(new GragOptions(), 0.9f, 1.25f);
        var singleOnly = Run(new GragOptions { Layers = new HashSet<int> { 2, 3 } }, 0.9f, 1.25f);
        Assert.True(ModelFixtures.RelError(all, plain) > 1e-4);
        Assert.True(ModelFixtures.RelError(singleOnly, all) > 1e-5);
    }
}
