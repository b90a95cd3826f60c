using System.Diagnostics;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.Pipelines;

namespace Locus.Models.MmDit;

/// <summary>
/// One denoising step (a transformer forward) of a Kontext-dev- or Qwen-Image-Edit-shaped model with random weights
/// (<see cref="RandomWeights"/>): builds the graph, binds, warms up, then times <c>steps</c> runs.
/// </summary>
public static class ModelBench
{
    /// <summary>Runs the benchmark and prints a summary to <paramref name="output"/>; returns seconds per step.</summary>
    /// <exception cref="ArgumentException">Unknown architecture or a non-positive size.</exception>
    public static double Run(ModelBenchSetup setup, IBackend backend, DType dtype, int steps, TextWriter output, bool profileHost = false)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(output);
        if (steps < 1 || setup.Grid < 1 || setup.Blocks is < 0 || setup.Heads is < 1 || setup.HeadDim < 6 || setup.HeadDim % 2 != 0)
        {
            throw new ArgumentException($"invalid benchmark setup {setup} / steps {steps}");
        }
        var total = Stopwatch.StartNew();
        var (session, weights, inputs) = Create(setup, backend, dtype);
        using var weightsScope = weights;
        using var sessionScope = session;
        double bindSeconds = total.Elapsed.TotalSeconds;
        session.Run(inputs);                                              // warm-up (kernel compilation, caches)
        backend.Synchronize();
        double hostSeconds = 0, stepSeconds = 0;
        for (int i = 0; i < steps; i++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var (name, value) in inputs)
            {
                session.Executor.SetInput(name, value);
            }
            session.Executor.Run();
            hostSeconds += sw.Elapsed.TotalSeconds;                       // time until the host has issued every node
            backend.Synchronize();
            stepSeconds += sw.Elapsed.TotalSeconds;
        }
        if (profileHost)
        {
            PrintHostProfile(session, inputs, backend, output);
        }
        var seq = session.Sequence;
        output.WriteLine($"{setup.Arch} on {backend.Name} ({dtype}{(setup.Grag is null ? "" : $", GRAG ({setup.GragScale.Lambda}, {setup.GragScale.Delta}) {(setup.Grag.TargetRowsOnly ? "target rows" : "all rows")}")}): {weights.ParameterCount / 1e9:F3} B params, tokens text {seq.TextTokens} + target {seq.TargetTokens} + ref {seq.ReferenceTokens}, nodes {session.Executor.Graph.Nodes.Count}, arena {session.Executor.Plan.ArenaBytes / 1048576.0:F0} MiB");
        output.WriteLine($"build+bind {bindSeconds:F2} s; per step {stepSeconds / steps:F4} s (host issue {hostSeconds / steps:F4} s) over {steps} step(s)");
        return stepSeconds / steps;
    }

    /// <summary>
    /// Host time to issue each op kind in one step (time between consecutive executor callbacks, i.e. the backend's
    /// Execute call for that node), summed per op and printed largest first. Kernels run asynchronously, so this is the
    /// host's share only, unless an op synchronises.
    /// </summary>
    private static void PrintHostProfile(TransformerSession session, Dictionary<string, HostTensor> inputs, IBackend backend, TextWriter output)
    {
        foreach (var (name, value) in inputs)
        {
            session.Executor.SetInput(name, value);
        }
        backend.Synchronize();
        var perOp = new Dictionary<OpKind, (double Seconds, int Count)>();
        var clock = Stopwatch.StartNew();
        double last = 0;
        session.Executor.Run((node, _) =>
        {
            double now = clock.Elapsed.TotalSeconds;
            var (sec, count) = perOp.GetValueOrDefault(node.Op);
            perOp[node.Op] = (sec + now - last, count + 1);
            last = clock.Elapsed.TotalSeconds;
        });
        backend.Synchronize();
        foreach (var (op, (sec, count)) in perOp.OrderByDescending(kv => kv.Value.Seconds).Take(12))
        {
            output.WriteLine($"host {op,-20} {count,6} nodes {sec * 1e3,9:F2} ms  {sec / count * 1e6,8:F1} µs/node");
        }
    }

    /// <summary>Builds the session, its random weights and the inputs for <paramref name="setup"/>.</summary>
    public static (TransformerSession Session, RandomWeights Weights, Dictionary<string, HostTensor> Inputs) Create(ModelBenchSetup setup, IBackend backend, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var weights = new RandomWeights(dtype == DType.F32 ? DType.F32 : DType.BF16);
        try
        {
            var (g, output, seq, inputs) = BuildGraph(setup, dtype, weights);
            return (TransformerSession.FromGraph(g, output, weights, backend, seq), weights, inputs);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Flux config of a <c>flux-kontext-dev</c> setup: min(blocks, 19) double blocks, min(2·blocks, 38) single blocks.</summary>
    public static FluxTransformerConfig FluxConfig(ModelBenchSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        int blocks = Math.Min(setup.Blocks ?? 19, 19);
        return FluxTransformerConfig.KontextDev with
        {
            NumLayers = blocks,
            NumSingleLayers = Math.Min(2 * blocks, 38),
            NumAttentionHeads = setup.Heads ?? 24,
            AttentionHeadDim = setup.HeadDim,
            AxesDimsRope = Axes(setup.HeadDim),
        };
    }

    /// <summary>Qwen-Image config of a <c>qwen-image-edit</c> setup: min(blocks, 60) blocks.</summary>
    public static QwenImageTransformerConfig QwenConfig(ModelBenchSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new QwenImageTransformerConfig
        {
            NumLayers = Math.Min(setup.Blocks ?? 60, 60),
            NumAttentionHeads = setup.Heads ?? 24,
            AttentionHeadDim = setup.HeadDim,
            AxesDimsRope = Axes(setup.HeadDim),
        };
    }

    /// <summary>
    /// Builds (does not bind) the step graph of <paramref name="setup"/> with weights declared in <paramref name="weights"/>, and its
    /// random inputs. <paramref name="adapter"/> (optional) creates the region-adapter hook from the graph and the token layout.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown architecture.</exception>
    public static (GraphBuilder Graph, Node Output, SequenceLayout Sequence, Dictionary<string, HostTensor> Inputs) BuildGraph(ModelBenchSetup setup, DType dtype,
        IWeightCatalog weights, Func<GraphBuilder, SequenceLayout, Adapters.RegionAdapterHook>? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(weights);
        int grid = setup.Grid, nt = grid * grid;
        var rng = new Random(7);
        HostTensor Noise(params int[] dims) => UniformNoise(rng, dims);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var g = new GraphBuilder();
        Node output;
        SequenceLayout seq;
        switch (setup.Arch)
        {
            case "flux-kontext-dev":
            {
                var config = FluxConfig(setup);
                int text = setup.TextTokens ?? 512;
                seq = new SequenceLayout(1, text, nt, nt);
                output = new FluxTransformer(config).Build(g, weights, seq, dtype, setup.Grag, adapter?.Invoke(g, seq));
                var (cos, sin) = RopeTables.Flux(new HostTensor(DType.F32, new Shape(text, 3)), LatentPacking.KontextImageIds(grid, grid, grid, grid), config.AxesDimsRope);
                inputs["hidden_states"] = Noise(1, 2 * nt, config.InChannels);
                inputs["encoder_hidden_states"] = Noise(1, text, config.JointAttentionDim);
                inputs["pooled_projections"] = Noise(1, config.PooledProjectionDim);
                inputs["guidance"] = HostTensor.FromFloats(new Shape(1), [2.5f]);
                inputs["rope_cos"] = cos;
                inputs["rope_sin"] = sin;
                break;
            }
            case "qwen-image-edit":
            {
                var config = QwenConfig(setup);
                int text = setup.TextTokens ?? 1400;
                seq = new SequenceLayout(1, text, nt, nt);
                output = new QwenImageTransformer(config).Build(g, weights, seq, dtype, grag: setup.Grag, adapter: adapter?.Invoke(g, seq));
                var (cos, sin) = RopeTables.Qwen([(1, grid, grid), (1, grid, grid)], text, config.AxesDimsRope);
                inputs["hidden_states"] = Noise(1, 2 * nt, config.InChannels);
                inputs["encoder_hidden_states"] = Noise(1, text, config.JointAttentionDim);
                inputs["rope_cos"] = cos;
                inputs["rope_sin"] = sin;
                break;
            }
            default:
                throw new ArgumentException($"unknown architecture '{setup.Arch}' (flux-kontext-dev or qwen-image-edit)", nameof(setup));
        }
        inputs["timestep"] = HostTensor.FromFloats(new Shape(1), [0.75f]);
        if (setup.Grag is { } grag)
        {
            inputs[GragOptions.ScalesInput] = grag.Scales(setup.GragScale.Lambda, setup.GragScale.Delta);
        }
        return (g, output, seq, inputs);
    }

    /// <summary>(16, 56, 56) at head dim 128, else the same split rounded to even dims.</summary>
    private static int[] Axes(int headDim) => Detect.DefaultAxes(headDim);

    /// <summary>Benchmark inputs: values uniform in [−1, 1) from <paramref name="rng"/>, f32 of shape <paramref name="dims"/>.</summary>
    internal static HostTensor UniformNoise(Random rng, params int[] dims)
    {
        var shape = new Shape(dims);
        var v = new float[shape.ElementCount];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return HostTensor.FromFloats(shape, v);
    }
}
