using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;

namespace Locus.Models.MmDit;

/// <summary>
/// The four bound graphs of the adapter benchmark on one backend, sharing one copy of the random weights
/// (<see cref="AdapterBenchWeights"/>): the backbone step, the same step with the adapter in
/// <see cref="RegionAdapterMode.Precomputed"/> mode, and the once-per-edit prelude with a user mask and with the MaskPredictor.
/// Inputs are converted to each graph input's dtype up front, so a timed run uploads without host conversion.
/// </summary>
public sealed class AdapterBenchSession : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<Executor, Dictionary<string, HostTensor>> _inputs = [];

    private AdapterBenchSession(ModelBenchSetup setup, RegionAdapterConfig config, AdapterBenchWeights weights)
    {
        Setup = setup;
        Config = config;
        Weights = weights;
        _owned.Add(weights);
    }

    /// <summary>The backbone setup.</summary>
    public ModelBenchSetup Setup { get; }

    /// <summary>The adapter config (D of the backbone, adapted blocks).</summary>
    public RegionAdapterConfig Config { get; }

    /// <summary>The shared weights.</summary>
    public AdapterBenchWeights Weights { get; }

    /// <summary>Token counts of the step.</summary>
    public SequenceLayout Sequence { get; private set; } = null!;

    /// <summary>The backbone step and its inputs.</summary>
    public Executor Backbone { get; private set; } = null!;

    /// <summary>The adapted step (inputs: the backbone's plus <c>region_adapter.condition</c> and <c>region_adapter.gates</c>).</summary>
    public Executor Adapted { get; private set; } = null!;

    /// <summary>The prelude from a user mask (outputs c, g), or null when the backend cannot run it (<see cref="UserPreludeError"/>).</summary>
    public Executor? UserPrelude { get; private set; }

    /// <summary>The prelude with the MaskPredictor (outputs c, g), or null when the backend cannot run it (<see cref="PredictedPreludeError"/>).</summary>
    public Executor? PredictedPrelude { get; private set; }

    /// <summary>
    /// Why the user-mask prelude cannot be built or run on this backend (the adapted step then runs on stand-in c and gates), or null.
    /// </summary>
    public string? UserPreludeError { get; private set; }

    /// <summary>Why the predicted-mask prelude cannot be built on this backend, or null.</summary>
    public string? PredictedPreludeError { get; private set; }

    /// <summary>Builds and binds every graph; runs the user prelude once so the adapted step gets real c and g.</summary>
    /// <exception cref="ArgumentException">Unknown architecture, or an adapted-block count out of range.</exception>
    public static AdapterBenchSession Create(ModelBenchSetup setup, IBackend backend, DType dtype, int? adaptedBlocks = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(backend);
        var config = AdapterBench.Config(setup, adaptedBlocks);
        var session = new AdapterBenchSession(setup, config, new AdapterBenchWeights(config, dtype == DType.F32 ? DType.F32 : DType.BF16));
        try
        {
            session.Bind(backend, dtype);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>One step: uploads the inputs of <paramref name="executor"/>, runs it and waits for the backend.</summary>
    public void RunStep(Executor executor)
    {
        SetInputs(executor);
        executor.Run();
        executor.Backend.Synchronize();
    }

    /// <summary>Uploads the inputs of <paramref name="executor"/> (one of this session's graphs).</summary>
    /// <exception cref="ArgumentException">An executor of another session.</exception>
    public void SetInputs(Executor executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        if (!_inputs.TryGetValue(executor, out var inputs))
        {
            throw new ArgumentException("the executor is not one of this session's graphs", nameof(executor));
        }
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
    }

    /// <summary>One prelude: inputs, run, and the read-back of c and g (what a pipeline hands to the step graph).</summary>
    public (HostTensor Condition, HostTensor Gates) RunPrelude(Executor prelude)
    {
        ArgumentNullException.ThrowIfNull(prelude);
        SetInputs(prelude);
        prelude.Run();
        var outputs = prelude.Graph.Outputs;
        return (prelude.Read(outputs[0]), prelude.Read(outputs[1]));
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        _owned.Clear();
    }

    private void Bind(IBackend backend, DType dtype)
    {
        var (bg, bOut, seq, inputs) = ModelBench.BuildGraph(Setup, dtype, Weights.Backbone);
        Sequence = seq;
        Backbone = Own(new Executor(bg.Build(bOut), backend, Weights), inputs);
        int grid = Setup.Grid, text = seq.TextTokens;
        var (ag, aOut, _, _) = ModelBench.BuildGraph(Setup, dtype, Weights.Backbone,
            (g, s) => new RegionAdapterHook(g, Weights.Adapter, Config, s, grid, grid, text, RegionAdapterMode.Precomputed, dtype));
        var adaptedInputs = new Dictionary<string, HostTensor>(inputs, StringComparer.Ordinal);
        Adapted = Own(new Executor(ag.Build(aOut), backend, Weights), adaptedInputs);
        // A prelude the backend cannot build or run must not cost the step figures: record why, and time the adapted step on
        // stand-in c and gates when the user-mask prelude is missing.
        var preludeInputs = PreludeInputs(Config, grid, text);
        (UserPrelude, UserPreludeError) = TryPrelude(backend, dtype, RegionAdapterMode.UserMask, grid, text, preludeInputs);
        (PredictedPrelude, PredictedPreludeError) = TryPrelude(backend, dtype, RegionAdapterMode.PredictedMask, grid, text, preludeInputs);
        if (UserPrelude is not null)
        {
            try
            {
                var (c, gates) = RunPrelude(UserPrelude);                           // c [1, N_c, D], g [1, L, n]
                adaptedInputs[RegionAdapterHook.ConditionInput] = c;
                adaptedInputs[RegionAdapterHook.GatesInput] = gates;
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                UserPreludeError = e.Message;
            }
        }
        if (UserPreludeError is not null)
        {
            adaptedInputs[RegionAdapterHook.ConditionInput] = Filled(new Shape(1, Config.ConditionTokens, Config.HiddenSize), 0.01f);
            adaptedInputs[RegionAdapterHook.GatesInput] = Filled(new Shape(1, seq.TargetTokens, Config.AdaptedBlocks.Count), 0.5f);
        }
        _inputs[Adapted] = Converted(Adapted, adaptedInputs);
    }

    private (Executor? Prelude, string? Error) TryPrelude(IBackend backend, DType dtype, RegionAdapterMode mode, int grid, int text,
        Dictionary<string, HostTensor> inputs)
    {
        try
        {
            return (Own(Prelude(backend, dtype, mode, grid, text), inputs), null);
        }
        catch (NotSupportedException e)
        {
            return (null, e.Message);
        }
    }

    private static HostTensor Filled(Shape shape, float value)
    {
        var v = new float[shape.ElementCount];
        Array.Fill(v, value);
        return HostTensor.FromFloats(shape, v);
    }

    private Executor Prelude(IBackend backend, DType dtype, RegionAdapterMode mode, int grid, int text)
    {
        var g = new GraphBuilder();
        var r = RegionAdapterPrelude.Build(g, Weights.Adapter, Config, 1, grid, grid, text, mode, dtype);
        return new Executor(g.Build(r.Condition, r.Gates), backend, Weights);
    }

    private Executor Own(Executor executor, Dictionary<string, HostTensor> inputs)
    {
        _owned.Add(executor);
        _inputs[executor] = Converted(executor, inputs);
        return executor;
    }

    /// <summary>The inputs the graph declares, converted to their dtype (extra entries dropped).</summary>
    private static Dictionary<string, HostTensor> Converted(Executor executor, Dictionary<string, HostTensor> inputs)
    {
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var node in executor.Graph.Inputs)
        {
            if (inputs.TryGetValue(node.Name, out var value))
            {
                result[node.Name] = value.DType == node.DType ? value : value.ConvertTo(node.DType);
            }
        }
        return result;
    }

    /// <summary>text [1, N_txt, L_h·T_d] noise, positions = PE_sin, a centred square user mask (¼ of the grid), source latent noise.</summary>
    private static Dictionary<string, HostTensor> PreludeInputs(RegionAdapterConfig config, int grid, int text)
    {
        var rng = new Random(11);
        HostTensor Noise(params int[] dims) => ModelBench.UniformNoise(rng, dims);
        var mask = new float[grid * grid];
        for (int y = grid / 4; y < grid - (grid / 4); y++)
        {
            for (int x = grid / 4; x < grid - (grid / 4); x++)
            {
                mask[(y * grid) + x] = 1f;
            }
        }
        return new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            [RegionAdapterHook.TextInput] = Noise(1, text, config.TextFeatures),
            [RegionAdapterHook.PositionsInput] = HostTensor.FromFloats(new Shape(config.ConditionTokens, config.HiddenSize),
                ConditionEncoder.SinusoidalTable(config.ConditionTokens, config.HiddenSize)),
            [RegionAdapterHook.MaskInput] = HostTensor.FromFloats(new Shape(1, 1, grid, grid), mask),
            [RegionAdapterHook.LatentInput] = Noise(1, grid * grid, config.LatentChannels),
        };
    }
}
