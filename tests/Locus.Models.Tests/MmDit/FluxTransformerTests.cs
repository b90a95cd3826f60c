using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class FluxTransformerTests
{
    private const double Rtol = 1e-5;

    internal static FluxTransformerConfig Config() => FluxTransformerConfig.FromJsonText(ModelFixtures.CaseConfig(ModelFixtures.Flux("CASE.json")), "flux CASE.json");

    [Fact]
    public void Forward_FixtureInputs_MatchesDiffusersSample()
    {
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var (inputs, seq) = TransformerInputs.Flux(io, Config());
        Assert.Equal(new SequenceLayout(1, 7, 16, 16), seq);
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        using var backend = new CpuBackend();
        using var session = TransformerSession.Flux(Config(), store, seq, backend, DType.F32);
        var sample = session.Run(inputs, null, TestContext.Current.CancellationToken);
        double err = ModelFixtures.RelError(sample, io["sample"]);
        Assert.True(err <= Rtol, $"sample rel err {err:E3}");
    }

    [Fact]
    public void Forward_Bf16Activations_MatchesFloat32WithBf16RoundedScalars()
    {
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var (inputs, seq) = TransformerInputs.Flux(io, Config());
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        using var backend = new CpuBackend();
        using var bf16 = TransformerSession.Flux(Config(), store, seq, backend, DType.BF16);
        var ours = bf16.Run(inputs, null, TestContext.Current.CancellationToken);
        // diffusers in bf16 feeds the sinusoid bf16(bf16(σ)·1000) = 700 and bf16(3.5·1000) = 3504 (mmdit-spec §1.11);
        // an f32 forward with those scalars differs from the bf16 one only by activation rounding.
        using var f32 = TransformerSession.Flux(Config(), store, seq, backend, DType.F32);
        var rounded = new Dictionary<string, Engine.Tensors.HostTensor>(inputs)
        {
            ["timestep"] = Engine.Tensors.HostTensor.FromFloats(new Engine.Tensors.Shape(1), [0.7f]),
            ["guidance"] = Engine.Tensors.HostTensor.FromFloats(new Engine.Tensors.Shape(1), [3.504f]),
        };
        var expected = f32.Run(rounded, null, TestContext.Current.CancellationToken);
        double err = ModelFixtures.RelError(ours, expected);
        Assert.True(err < 2e-2, $"bf16 vs f32 (bf16-rounded scalars) rel err {err:E3}");
        Assert.True(ModelFixtures.RelError(ours, io["sample"]) > 2e-2, "guidance 3504 vs 3500 must show in the output");
    }

    [Fact]
    public void Forward_FixtureInputs_IntermediatesMatchDiffusers()
    {
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var refs = ModelFixtures.Load(ModelFixtures.Flux("intermediates.safetensors"));
        var (inputs, seq) = TransformerInputs.Flux(io, Config());
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        using var backend = new CpuBackend();
        using var session = TransformerSession.Flux(Config(), store, seq, backend, DType.F32);
        var ours = new Dictionary<string, HostTensor>();
        var map = new Dictionary<string, string>
        {
            ["x_embedder"] = "x_embedder",
            ["context_embedder"] = "context_embedder",
            ["time_text_embed"] = "time_text_embed",
            ["norm_out"] = "norm_out",
        };
        for (int i = 0; i < 2; i++)
        {
            map[$"transformer_blocks.{i}.hidden_states"] = $"transformer_blocks.{i}.hidden_states";
            map[$"transformer_blocks.{i}.encoder_hidden_states"] = $"transformer_blocks.{i}.encoder_hidden_states";
            map[$"single_transformer_blocks.{i}.output"] = $"single_transformer_blocks.{i}.output";
        }
        session.Run(inputs, (node, ex) =>
        {
            if (map.ContainsKey(node.Name))
            {
                ours[node.Name] = ex.Read(node);
            }
        }, TestContext.Current.CancellationToken);
        var failures = new List<string>();
        void Check(string name, HostTensor actual, HostTensor expected)
        {
            double e = ModelFixtures.RelError(actual, expected);
            if (!(e <= Rtol))
            {
                failures.Add($"{name}: {e:E3}");
            }
        }
        foreach (var key in new[] { "x_embedder", "context_embedder", "time_text_embed", "norm_out" })
        {
            Check(key, ours[key], refs[key]);
        }
        for (int i = 0; i < 2; i++)
        {
            Check($"block {i} img", ours[$"transformer_blocks.{i}.hidden_states"], refs[$"transformer_blocks.{i}.hidden_states"]);
            Check($"block {i} txt", ours[$"transformer_blocks.{i}.encoder_hidden_states"], refs[$"transformer_blocks.{i}.encoder_hidden_states"]);
            var x = ours[$"single_transformer_blocks.{i}.output"];
            Check($"single {i} txt", ModelFixtures.Tokens(x, 0, 7), refs[$"single_transformer_blocks.{i}.encoder_hidden_states"]);
            Check($"single {i} img", ModelFixtures.Tokens(x, 7, 32), refs[$"single_transformer_blocks.{i}.hidden_states"]);
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public void RopeTables_FixtureIds_MatchDiffusersPosEmbed()
    {
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var refs = ModelFixtures.Load(ModelFixtures.Flux("intermediates.safetensors"));
        var (cos, sin) = RopeTables.Flux(io["txt_ids"], io["img_ids"], Config().AxesDimsRope);
        // diffusers repeats each value twice (interleaved); ours keeps one per pair.
        foreach (var (ours, name) in new[] { (cos, "pos_embed.cos"), (sin, "pos_embed.sin") })
        {
            var full = refs[name].ToFloatArray();
            var half = ours.ToFloatArray();
            Assert.Equal(full.Length, half.Length * 2);
            for (int i = 0; i < half.Length; i++)
            {
                Assert.True(Math.Abs(half[i] - full[2 * i]) <= 1e-6 && Math.Abs(half[i] - full[(2 * i) + 1]) <= 1e-6, $"{name}[{i}]");
            }
        }
    }

    [Fact]
    public void Build_TinyConfig_RequestsExactlyTheFixtureKeys()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var g = new GraphBuilder();
        var seq = new SequenceLayout(1, 7, 16, 16);
        new FluxTransformer(Config()).Build(g, new Common.WeightStoreCatalog(store), seq, DType.F32);
        var requested = g.Weights.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var stored = store.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        Assert.Equal(stored, requested);
    }

    [Fact]
    public void DetectFromWeights_FixtureWeights_EqualsCaseConfig()
    {
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        int[] axes = [4, 6, 6];
        var detected = FluxTransformerConfig.DetectFromWeights(new Common.WeightStoreCatalog(store)) with { AxesDimsRope = axes };
        var expected = Config() with { OutChannels = 16, AxesDimsRope = axes };
        Assert.Equal(expected, detected);
    }
}
