using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference;
using Locus.Models.MmDit;
using Locus.Models.Tests.MmDit;
using Xunit;

namespace Locus.Models.Tests.Attention;

/// <summary>Runs the fixture transformers with capture / region bias and reads the extra outputs.</summary>
internal static class CaptureRun
{
    public static string Attention(string model, string file) => Path.Combine(ModelFixtures.Root, "tests", "fixtures", "attention", model, file);

    /// <summary>Result of one forward: sample [B, Nimg, C] and every requested node read after the run.</summary>
    public sealed record Result(HostTensor Sample, AttentionCaptureMaps? Maps, Dictionary<Node, HostTensor> Values);

    public static Result Flux(AttentionCapture? capture, RegionBiasOptions? region = null, HostTensor? regionMask = null, float weight = 1f, IReadOnlyDictionary<string, HostTensor>? extraInputs = null, bool reference = false, NodeCallback? callback = null, DType? dtype = null)
    {
        var config = FluxTransformerTests.Config();
        var io = ModelFixtures.Load(ModelFixtures.Flux("io.safetensors"));
        var (inputs, seq) = TransformerInputs.Flux(io, config);
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        var g = new GraphBuilder();
        var sample = new FluxTransformer(config).Build(g, new Common.WeightStoreCatalog(store), seq, dtype ?? DType.F32, capture: capture, regionBias: region);
        return Run(g, sample, store, inputs, seq, capture, region, regionMask, weight, extraInputs, reference, callback);
    }

    public static Result Qwen(AttentionCapture? capture, RegionBiasOptions? region = null, HostTensor? regionMask = null, float weight = 1f, IReadOnlyDictionary<string, HostTensor>? extraInputs = null, bool reference = false, NodeCallback? callback = null, DType? dtype = null, GragOptions? grag = null)
    {
        var config = QwenImageTransformerTests.Config();
        var io = ModelFixtures.Load(ModelFixtures.Qwen("io.safetensors"));
        var (inputs, seq, masked) = TransformerInputs.Qwen(io, config, QwenImageTransformerTests.Shapes);
        Assert.True(masked, "the Qwen fixture's batch item 1 has padded text");
        using var store = WeightStore.Open(ModelFixtures.Qwen("weights.safetensors"));
        var g = new GraphBuilder();
        var sample = new QwenImageTransformer(config).Build(g, new Common.WeightStoreCatalog(store), seq, dtype ?? DType.F32, masked, grag, capture: capture, regionBias: region);
        return Run(g, sample, store, inputs, seq, capture, region, regionMask, weight, extraInputs, reference, callback);
    }

    private static Result Run(GraphBuilder g, Node sample, WeightStore store, Dictionary<string, HostTensor> inputs, SequenceLayout seq,
        AttentionCapture? capture, RegionBiasOptions? region, HostTensor? regionMask, float weight, IReadOnlyDictionary<string, HostTensor>? extraInputs, bool reference, NodeCallback? callback)
    {
        var outputs = new List<Node> { sample };
        if (capture is not null)
        {
            outputs.AddRange(capture.Outputs);
            inputs[AttentionCapture.WeightInput] = AttentionCapture.Weight(weight);
        }
        if (region is not null)
        {
            foreach (var (k, v) in region.Inputs(regionMask ?? throw new ArgumentNullException(nameof(regionMask)), seq))
            {
                inputs[k] = v;
            }
        }
        foreach (var (k, v) in extraInputs ?? new Dictionary<string, HostTensor>())
        {
            inputs[k] = v;
        }
        using Engine.Backends.IBackend backend = reference ? new ReferenceBackend() : new CpuBackend();
        using var ex = new Executor(g.Build(outputs.ToArray()), backend, store);
        foreach (var input in ex.Graph.Inputs)
        {
            ex.SetInput(input.Name, inputs[input.Name]);
        }
        ex.Run(callback, TestContext.Current.CancellationToken);
        var values = outputs.Skip(1).ToDictionary(n => n, ex.Read);
        var result = ex.Read(sample);
        return new Result(result.DType == DType.F32 ? result : result.ConvertTo(DType.F32), capture?.Maps, values);
    }

    /// <summary>Batch item <paramref name="b"/> of a [B, ...] tensor with the batch axis dropped.</summary>
    public static HostTensor Item(HostTensor t, int b)
    {
        var dims = t.Shape.Dims.ToArray();
        int per = (int)(t.ElementCount / dims[0]);
        return HostTensor.FromFloats(new Shape(dims.AsSpan(1).ToArray()), t.ToFloatArray().AsSpan(b * per, per));
    }
}
