using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Locus.Models.Tests.MmDit;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>The adapter hook in the tiny FLUX / Qwen fixture backbones: identity when the gate is 0, reference rows untouched.</summary>
public sealed class AdapterIntegrationTests
{
    private const int Hl = 4, Wl = 4;

    [Theory]
    [InlineData("flux", RegionAdapterMode.UserMask)]
    [InlineData("flux", RegionAdapterMode.PredictedMask)]
    [InlineData("qwen", RegionAdapterMode.UserMask)]
    [InlineData("qwen", RegionAdapterMode.PredictedMask)]
    public void Forward_GateZero_EqualsBackboneBitForBit(string model, RegionAdapterMode mode)
    {
        // (a) fc2 weight 0, bias −1e4 in every adapted block: σ underflows to exactly 0.
        var run = new Backbone(model);
        var values = AdapterFixture.RandomValues(run.AdapterConfig, 23);
        foreach (int b in run.AdapterConfig.AdaptedBlocks)
        {
            values[$"region_adapter.blocks.{b}.gate.mlp.fc2.weight"] = new float[run.AdapterConfig.GateDim];
            values[$"region_adapter.blocks.{b}.gate.mlp.fc2.bias"] = [-1e4f];
        }
        using var fx = new AdapterFixture(run.AdapterConfig, values);
        var baseline = run.Forward(null, mode, MixedMask());
        var adapted = run.Forward(fx, mode, MixedMask());
        Assert.Equal(baseline, adapted);
    }

    [Theory]
    [InlineData("flux", RegionAdapterMode.UserMask)]
    [InlineData("flux", RegionAdapterMode.PredictedMask)]
    [InlineData("qwen", RegionAdapterMode.UserMask)]
    [InlineData("qwen", RegionAdapterMode.PredictedMask)]
    public void Forward_Bf16ActivationsGateZero_EqualsBf16BackboneBitForBit(string model, RegionAdapterMode mode)
    {
        var run = new Backbone(model);
        var values = AdapterFixture.RandomValues(run.AdapterConfig, 37);
        foreach (int b in run.AdapterConfig.AdaptedBlocks)
        {
            values[$"region_adapter.blocks.{b}.gate.mlp.fc2.weight"] = new float[run.AdapterConfig.GateDim];
            values[$"region_adapter.blocks.{b}.gate.mlp.fc2.bias"] = [-1e4f];
        }
        using var fx = new AdapterFixture(run.AdapterConfig, values);
        var baseline = run.Forward(null, mode, MixedMask(), dtype: DType.BF16);
        Assert.Equal(baseline, run.Forward(fx, mode, MixedMask(), dtype: DType.BF16));
    }

    [Theory]
    [InlineData("flux")]
    [InlineData("qwen")]
    public void Forward_AllKeepMaskGateDrivenToZero_EqualsBackbone(string model)
    {
        // (c) random gate MLP whose last bias is −1e4: the keep embedding's gate is exactly 0 (all-keep mask), while an
        // all-edit mask with the normal bias changes the output (the adapter is live).
        var run = new Backbone(model);
        var values = AdapterFixture.RandomValues(run.AdapterConfig, 29);
        using var live = new AdapterFixture(run.AdapterConfig, values);
        foreach (int b in run.AdapterConfig.AdaptedBlocks)
        {
            values[$"region_adapter.blocks.{b}.gate.mlp.fc2.bias"] = [-1e4f];
        }
        using var closed = new AdapterFixture(run.AdapterConfig, values);
        var baseline = run.Forward(null, RegionAdapterMode.UserMask, new float[Hl * Wl]);
        Assert.Equal(baseline, run.Forward(closed, RegionAdapterMode.UserMask, new float[Hl * Wl]));
        var edited = run.Forward(live, RegionAdapterMode.UserMask, Enumerable.Repeat(1f, Hl * Wl).ToArray());
        Assert.NotEqual(baseline, edited);
    }

    [Theory]
    [InlineData("flux", RegionAdapterMode.UserMask)]
    [InlineData("flux", RegionAdapterMode.PredictedMask)]
    [InlineData("qwen", RegionAdapterMode.UserMask)]
    [InlineData("qwen", RegionAdapterMode.PredictedMask)]
    public void Forward_PreludeOncePerEdit_EqualsInGraphAdapterBitForBit(string model, RegionAdapterMode mode)
    {
        // The per-edit prelude (mask, condition, gates) fed to a Precomputed step graph gives exactly the in-graph result.
        var run = new Backbone(model);
        using var fx = new AdapterFixture(run.AdapterConfig, AdapterFixture.RandomValues(run.AdapterConfig, 43));
        var inGraph = run.Forward(fx, mode, MixedMask());
        var precomputed = run.Forward(fx, mode, MixedMask(), precompute: true);
        Assert.Equal(inGraph, precomputed);
        Assert.NotEqual(run.Forward(null, mode, MixedMask()), precomputed);
    }

    [Fact]
    public void Prelude_PredictedMask_IsBinaryAndEqualsTheInGraphPredictedMask()
    {
        var run = new Backbone("flux");
        using var fx = new AdapterFixture(run.AdapterConfig, AdapterFixture.RandomValues(run.AdapterConfig, 47));
        var (mask, gates) = run.Prelude(fx, RegionAdapterMode.PredictedMask, MixedMask());
        Assert.All(mask, v => Assert.True(v is 0f or 1f));
        Assert.Equal(run.Batch * Hl * Wl * run.AdapterConfig.AdaptedBlocks.Count, gates.Length);
        Assert.All(gates, v => Assert.InRange(v, 0f, 1f));
        var (userMask, _) = run.Prelude(fx, RegionAdapterMode.UserMask, MixedMask());
        Assert.Equal(Enumerable.Range(0, run.Batch).SelectMany(_ => MixedMask()), userMask);
    }

    [Theory]
    [InlineData("flux", "transformer_blocks.0.attn_residual")]
    [InlineData("qwen", "transformer_blocks.0.img_attn_residual")]
    public void Forward_LiveAdapter_ReferenceRowsUntouchedTargetRowsChanged(string model, string before)
    {
        // (b) the adapted block's output keeps every reference row of its input bit for bit.
        var run = new Backbone(model);
        using var fx = new AdapterFixture(run.AdapterConfig, AdapterFixture.RandomValues(run.AdapterConfig, 31));
        var captured = new Dictionary<string, float[]>(StringComparer.Ordinal);
        const string after = "region_adapter.blocks.0.image";
        run.Forward(fx, RegionAdapterMode.UserMask, Enumerable.Repeat(1f, Hl * Wl).ToArray(), (node, ex) =>
        {
            if (node.Name == before || node.Name == after)
            {
                captured[node.Name] = ex.Read(node).ToFloatArray();
            }
        });
        var x = captured[before];
        var y = captured[after];
        int target = Hl * Wl * run.Dim, image = run.ImageTokens * run.Dim;
        for (int b = 0; b < x.Length / image; b++)
        {
            Assert.Equal(x[((b * image) + target)..((b + 1) * image)], y[((b * image) + target)..((b + 1) * image)]);
            Assert.NotEqual(x[(b * image)..((b * image) + target)], y[(b * image)..((b * image) + target)]);
        }
    }

    [Fact]
    public void Forward_FluxSingleBlock_TextAndReferenceRowsUntouched()
    {
        // Single blocks: the adapter acts on the image rows of the block output [text | target | reference].
        var run = new Backbone("flux");
        using var fx = new AdapterFixture(run.AdapterConfig, AdapterFixture.RandomValues(run.AdapterConfig, 41));
        var captured = new Dictionary<string, float[]>(StringComparer.Ordinal);
        const string before = "single_transformer_blocks.0.output", after = "single_transformer_blocks.0.adapted";
        run.Forward(fx, RegionAdapterMode.UserMask, Enumerable.Repeat(1f, Hl * Wl).ToArray(), (node, ex) =>
        {
            if (node.Name is before or after)
            {
                captured[node.Name] = ex.Read(node).ToFloatArray();
            }
        });
        var x = captured[before];
        var y = captured[after];
        int text = run.TextTokens * run.Dim, target = Hl * Wl * run.Dim;
        Assert.Equal(x.Length, y.Length);
        Assert.Equal(x[..text], y[..text]);
        Assert.Equal(x[(text + target)..], y[(text + target)..]);
        Assert.NotEqual(x[text..(text + target)], y[text..(text + target)]);
    }

    [Fact]
    public void Hook_GridNotMatchingTargetTokensOrModeOff_ThrowsNamingTheProblem()
    {
        var run = new Backbone("flux");
        using var fx = new AdapterFixture(run.AdapterConfig);
        var seq = new SequenceLayout(1, 7, 16, 16);
        var catalog = new WeightStoreCatalog(fx.Store);
        var e = Assert.Throws<ArgumentException>(() => new RegionAdapterHook(new GraphBuilder(), catalog, run.AdapterConfig, seq, 4, 5, 7, RegionAdapterMode.UserMask, DType.F32));
        Assert.Contains("4×5", e.Message, StringComparison.Ordinal);
        Assert.Contains("16 target tokens", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RegionAdapterHook(new GraphBuilder(), catalog, run.AdapterConfig, seq, 4, 4, 7, RegionAdapterMode.Off, DType.F32));
    }

    /// <summary>A tiny fixture backbone with its fixture inputs, run with or without an adapter.</summary>
    private sealed class Backbone
    {
        private readonly string _model;
        private readonly Dictionary<string, HostTensor> _inputs;
        private readonly SequenceLayout _seq;
        private readonly FluxTransformerConfig? _flux;
        private readonly QwenImageTransformerConfig? _qwen;
        private readonly bool _masked;

        public Backbone(string model)
        {
            _model = model;
            int heads, headDim, textDim, latent, blocks;
            if (model == "flux")
            {
                _flux = FluxTransformerTests.Config();
                (_inputs, _seq) = TransformerInputs.Flux(ModelFixtures.Load(ModelFixtures.Flux("io.safetensors")), _flux);
                (heads, headDim, textDim, latent, blocks) = (_flux.NumAttentionHeads, _flux.AttentionHeadDim, _flux.JointAttentionDim, _flux.InChannels, _flux.NumLayers + _flux.NumSingleLayers);
            }
            else
            {
                _qwen = QwenImageTransformerTests.Config();
                (_inputs, _seq, _masked) = TransformerInputs.Qwen(ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors")), _qwen, QwenImageTransformerTests.Shapes);
                (heads, headDim, textDim, latent, blocks) = (_qwen.NumAttentionHeads, _qwen.AttentionHeadDim, _qwen.JointAttentionDim, _qwen.InChannels, _qwen.NumLayers);
            }
            Dim = heads * headDim;
            AdapterConfig = AdapterFixture.Tiny with
            {
                HiddenSize = Dim, Heads = heads, HeadDim = headDim, FfnDim = 2 * Dim, TextDim = textDim, LatentChannels = latent,
                PredictorDim = 8, AdaptedBlocks = Enumerable.Range(0, blocks).ToArray(),
            };
        }

        public int Dim { get; }

        public int ImageTokens => _seq.ImageTokens;

        public int TextTokens => _seq.TextTokens;

        public RegionAdapterConfig AdapterConfig { get; }

        public int Batch => _seq.Batch;

        /// <summary>Runs the once-per-edit prelude: (mask [B·Hl·Wl], gates [B·L·n]) as floats.</summary>
        public (float[] Mask, float[] Gates) Prelude(AdapterFixture adapter, RegionAdapterMode mode, float[] mask)
        {
            var (values, _) = RunPrelude(adapter, mode, mask, DType.F32);
            return (values[2].ToFloatArray(), values[1].ToFloatArray());
        }

        public float[] Forward(AdapterFixture? adapter, RegionAdapterMode mode, float[] mask, NodeCallback? callback = null, DType dtype = DType.F32, bool precompute = false)
        {
            string weightsPath = _model == "flux" ? ModelFixtures.Flux("weights.safetensors") : ModelFixtures.Qwen("weights.safetensors");
            using var store = WeightStore.Open(weightsPath);
            var g = new GraphBuilder();
            var catalog = new WeightStoreCatalog(store);
            var ehs = _inputs["encoder_hidden_states"];
            HostTensor[]? prelude = adapter is not null && precompute ? RunPrelude(adapter, mode, mask, dtype).Values : null;
            RegionAdapterHook? hook = adapter is null ? null
                : new RegionAdapterHook(g, new WeightStoreCatalog(adapter.Store), AdapterConfig, _seq, Hl, Wl, ehs.Shape[1], precompute ? RegionAdapterMode.Precomputed : mode, dtype);
            var sample = _flux is not null
                ? new FluxTransformer(_flux).Build(g, catalog, _seq, dtype, null, hook)
                : new QwenImageTransformer(_qwen!).Build(g, catalog, _seq, dtype, _masked, null, hook);
            IWeightProvider weights = adapter is null ? store : new AdapterWeights(store, adapter.Store);
            using var executor = new Executor(g.Build(sample), new CpuBackend(), weights);
            var graphInputs = executor.Graph.Inputs.ToDictionary(n => n.Name, n => n.DType, StringComparer.Ordinal);
            void Set(string name, HostTensor value) => executor.SetInput(name, graphInputs[name] == value.DType ? value : value.ConvertTo(graphInputs[name]));
            foreach (var (name, value) in _inputs)
            {
                Set(name, value);
            }
            if (prelude is not null)
            {
                executor.SetInput(RegionAdapterHook.ConditionInput, prelude[0]);
                executor.SetInput(RegionAdapterHook.GatesInput, prelude[1]);
            }
            else if (hook is not null)
            {
                SetAdapterInputs(Set, executor, mode, mask);
            }
            executor.Run(callback);
            return executor.Read(sample).ConvertTo(DType.F32).ToFloatArray();
        }

        private (HostTensor[] Values, int Batch) RunPrelude(AdapterFixture adapter, RegionAdapterMode mode, float[] mask, DType dtype)
        {
            var g = new GraphBuilder();
            var ehs = _inputs["encoder_hidden_states"];
            var r = RegionAdapterPrelude.Build(g, new WeightStoreCatalog(adapter.Store), AdapterConfig, _seq.Batch, Hl, Wl, ehs.Shape[1], mode, dtype);
            using var executor = new Executor(g.Build(r.Condition, r.Gates, r.Mask), new CpuBackend(), adapter.Store);
            var graphInputs = executor.Graph.Inputs.ToDictionary(n => n.Name, n => n.DType, StringComparer.Ordinal);
            void Set(string name, HostTensor value) => executor.SetInput(name, graphInputs[name] == value.DType ? value : value.ConvertTo(graphInputs[name]));
            SetAdapterInputs(Set, executor, mode, mask);
            executor.Run();
            return ([executor.Read(r.Condition), executor.Read(r.Gates), executor.Read(r.Mask).ConvertTo(DType.F32)], _seq.Batch);
        }

        private void SetAdapterInputs(Action<string, HostTensor> set, Executor executor, RegionAdapterMode mode, float[] mask)
        {
            var cfg = AdapterConfig;
            set(RegionAdapterHook.TextInput, _inputs["encoder_hidden_states"]);
            executor.SetInput(RegionAdapterHook.PositionsInput, HostTensor.FromFloats(new Shape(cfg.ConditionTokens, cfg.HiddenSize), ConditionEncoder.SinusoidalTable(cfg.ConditionTokens, cfg.HiddenSize)));
            if (mode == RegionAdapterMode.UserMask)
            {
                var batched = Enumerable.Range(0, _seq.Batch).SelectMany(_ => mask).ToArray();
                executor.SetInput(RegionAdapterHook.MaskInput, HostTensor.FromFloats(new Shape(_seq.Batch, 1, Hl, Wl), batched));
            }
            else
            {
                // The packed reference (source) latent rows of hidden_states stand in for the source latent.
                var hs = _inputs["hidden_states"].ToFloatArray();
                int rows = Hl * Wl * cfg.LatentChannels, perBatch = _seq.ImageTokens * cfg.LatentChannels;
                var latent = Enumerable.Range(0, _seq.Batch).SelectMany(b => hs.AsSpan((b * perBatch) + rows, rows).ToArray()).ToArray();
                set(RegionAdapterHook.LatentInput, HostTensor.FromFloats(new Shape(_seq.Batch, Hl * Wl, cfg.LatentChannels), latent));
            }
        }
    }

    private static float[] MixedMask() => Enumerable.Range(0, Hl * Wl).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
}

/// <summary>Padded text tokens are left out of the adapter's Perceiver.</summary>
public sealed class AdapterTextMaskTests
{
    [Fact]
    public void Prelude_PaddedTextWithMask_EqualsUnpaddedText()
    {
        var config = AdapterFixture.Tiny;
        using var fx = new AdapterFixture(config, AdapterFixture.RandomValues(config, 53));
        var rng = new Random(4);
        var text = AdapterFixture.Random(rng, 3 * config.TextFeatures, 1.0);
        var padded = text.Concat(Enumerable.Repeat(9f, 2 * config.TextFeatures)).ToArray();      // two garbage padding tokens
        var mask = Enumerable.Repeat(1f, 4).ToArray();                                            // 2×2 latent grid, all edit
        float[] Run(float[] t, int tokens, bool masked)
        {
            var g = new Engine.Graph.GraphBuilder();
            var r = RegionAdapterPrelude.Build(g, new WeightStoreCatalog(fx.Store), config, 1, 2, 2, tokens, RegionAdapterMode.UserMask, DType.F32, masked);
            var inputs = new Dictionary<string, HostTensor>
            {
                [RegionAdapterHook.TextInput] = HostTensor.FromFloats(new Shape(1, tokens, config.TextFeatures), t),
                [RegionAdapterHook.PositionsInput] = HostTensor.FromFloats(new Shape(config.ConditionTokens, config.HiddenSize),
                    ConditionEncoder.SinusoidalTable(config.ConditionTokens, config.HiddenSize)),
                [RegionAdapterHook.MaskInput] = HostTensor.FromFloats(new Shape(1, 1, 2, 2), mask),
            };
            if (masked)
            {
                inputs[RegionAdapterPrelude.TextBiasInput] = HostTensor.FromFloats(new Shape(1, 1, 1, tokens),
                    [0f, 0f, 0f, float.NegativeInfinity, float.NegativeInfinity]);
            }
            return fx.Run(g, [r.Condition], inputs)[0];
        }
        var plain = Run(text, 3, false);
        var maskedPadded = Run(padded, 5, true);
        var unmaskedPadded = Run(padded, 5, false);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i], maskedPadded[i], 5e-6f);
        }
        Assert.True(plain.Zip(unmaskedPadded, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "without the mask the padding must change c");
    }
}
