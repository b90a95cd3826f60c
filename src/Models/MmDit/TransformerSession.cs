using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>
/// One planned transformer graph bound to a backend and a checkpoint: build once, then <see cref="Run"/> per step
/// (per-step scalars and RoPE tables are inputs). Binding checks that every checkpoint tensor is used.
/// </summary>
public sealed class TransformerSession : IDisposable
{
    private TransformerSession(Executor executor, Node output, SequenceLayout sequence)
    {
        Executor = executor;
        Output = output;
        Sequence = sequence;
    }

    /// <summary>The executor (inputs by fixture name; see the model classes).</summary>
    public Executor Executor { get; }

    /// <summary>The <c>sample</c> node.</summary>
    public Node Output { get; }

    /// <summary>Token counts.</summary>
    public SequenceLayout Sequence { get; }

    /// <summary>Builds and binds a Flux transformer.</summary>
    /// <exception cref="WeightLoadException">Missing, mis-shaped or unused checkpoint tensors.</exception>
    /// <remarks><paramref name="adapter"/>: the region adapter in <see cref="RegionAdapterMode.Precomputed"/> mode (inputs
    /// <see cref="RegionAdapterHook.ConditionInput"/> and <see cref="RegionAdapterHook.GatesInput"/> from <see cref="RegionAdapterPrelude"/>).</remarks>
    public static TransformerSession Flux(FluxTransformerConfig config, WeightStore store, SequenceLayout seq, IBackend backend, DType dtype, GragOptions? grag = null,
        RegionAdapterBinding? adapter = null)
    {
        var g = new GraphBuilder();
        var hook = Hook(g, adapter, seq, dtype);
        var output = new FluxTransformer(config).Build(g, new WeightStoreCatalog(store), seq, dtype, grag, hook);
        return Bind(g, output, store, backend, seq, adapter);
    }

    /// <summary>Builds and binds a Qwen-Image transformer.</summary>
    /// <exception cref="WeightLoadException">Missing, mis-shaped or unused checkpoint tensors.</exception>
    public static TransformerSession Qwen(QwenImageTransformerConfig config, WeightStore store, SequenceLayout seq, IBackend backend, DType dtype, bool textMask, GragOptions? grag = null,
        RegionAdapterBinding? adapter = null)
    {
        var g = new GraphBuilder();
        var hook = Hook(g, adapter, seq, dtype);
        var output = new QwenImageTransformer(config).Build(g, new WeightStoreCatalog(store), seq, dtype, textMask, grag, hook);
        return Bind(g, output, store, backend, seq, adapter);
    }

    /// <summary>
    /// Binds an already built graph with any weight provider (e.g. <see cref="Common.RandomWeights"/>); no unused-key check.
    /// </summary>
    public static TransformerSession FromGraph(GraphBuilder g, Node output, IWeightProvider weights, IBackend backend, SequenceLayout seq)
    {
        ArgumentNullException.ThrowIfNull(g);
        return new TransformerSession(new Executor(g.Build(output), backend, weights), output, seq);
    }

    /// <summary>Sets every graph input from <paramref name="inputs"/> (by name), runs, and returns <c>sample</c> as f32.</summary>
    /// <exception cref="ArgumentException">A graph input is missing from <paramref name="inputs"/> or has the wrong shape.</exception>
    public HostTensor Run(IReadOnlyDictionary<string, HostTensor> inputs, NodeCallback? callback = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in Executor.Graph.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var value))
            {
                throw new ArgumentException($"input '{input.Name}' {input.Desc} is required but was not given", nameof(inputs));
            }
            Executor.SetInput(input.Name, value);
        }
        Executor.Run(callback, cancellationToken);
        var result = Executor.Read(Output);
        return result.DType == DType.F32 ? result : result.ConvertTo(DType.F32);
    }

    public void Dispose() => Executor.Dispose();

    internal static RegionAdapterHook? Hook(GraphBuilder g, RegionAdapterBinding? adapter, SequenceLayout seq, DType dtype) => adapter is null ? null
        : new RegionAdapterHook(g, new WeightStoreCatalog(adapter.Weights), adapter.Config, seq, adapter.LatentHeight, adapter.LatentWidth, seq.TextTokens,
            RegionAdapterMode.Precomputed, dtype);

    private static TransformerSession Bind(GraphBuilder g, Node output, WeightStore store, IBackend backend, SequenceLayout seq, RegionAdapterBinding? adapter) =>
        Bind(g, output, [], store, store, backend, seq, adapter);

    /// <summary>
    /// Binds a built graph: <paramref name="extras"/> are kept as outputs (readable with <c>Executor.Read</c>, e.g. capture
    /// maps); the adapter's tensors come from its store; when <paramref name="store"/> is given, every checkpoint tensor must be used.
    /// </summary>
    internal static TransformerSession Bind(GraphBuilder g, Node output, IReadOnlyList<Node> extras, IWeightProvider provider, WeightStore? store,
        IBackend backend, SequenceLayout seq, RegionAdapterBinding? adapter)
    {
        var graph = g.Build([output, .. extras]);
        // The step graph uses only the block adapters; the adapter's per-edit tensors are bound by the prelude's executor.
        IWeightProvider weights = adapter is null ? provider : new AdapterWeights(provider, adapter.Weights);
        var executor = new Executor(graph, backend, weights);
        if (store is null)
        {
            return new TransformerSession(executor, output, seq);
        }
        try
        {
            // Keys the model declared (names and shapes checked) but whose values cannot reach the output, e.g. the
            // text-only weights of Qwen's last block, are used by the model even though the pruned graph skips them.
            var unused = store.UnusedKeys().Where(k => !g.Weights.ContainsKey(k[store.KeyPrefix.Length..])).ToArray();
            if (unused.Length > 0)
            {
                throw new WeightLoadException($"{store.Path}: {unused.Length} tensor(s) not used by the model: {string.Join(", ", unused.Take(20))}");
            }
        }
        catch
        {
            executor.Dispose();
            throw;
        }
        return new TransformerSession(executor, output, seq);
    }
}
