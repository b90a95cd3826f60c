using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>Sums the captured mean maps of each capture step on the host and averages them (f32 results, f64 sums).</summary>
internal sealed class MapAccumulator
{
    private double[]? _textOnly;
    private double[]? _targetTarget;
    private Shape _textShape;
    private Shape _targetShape;

    /// <summary>Capture steps added.</summary>
    public int Steps { get; private set; }

    /// <summary>The running mean of the text-restricted map [N_tgt, N_txt].</summary>
    public HostTensor? TextOnly => _textOnly is null ? null : Mean(_textOnly, _textShape);

    /// <summary>The running mean of the target × target map.</summary>
    public HostTensor? TargetTarget => _targetTarget is null ? null : Mean(_targetTarget, _targetShape);

    /// <summary>Adds this step's maps from the capture graph <paramref name="graph"/> that just ran.</summary>
    public void Add(StepGraph graph)
    {
        var maps = graph.Capture!.Maps;
        Accumulate(graph, maps.TextOnly!, ref _textOnly, ref _textShape);
        Accumulate(graph, maps.TargetTarget!, ref _targetTarget, ref _targetShape);
        Steps++;
    }

    /// <summary>The maps of the edit.</summary>
    public EditMaps Result(int gridHeight, int gridWidth, AttentionMaskResult? mask) => new(TextOnly!, TargetTarget!, gridHeight, gridWidth, Steps, mask);

    private HostTensor Mean(double[] sum, Shape shape)
    {
        var values = new float[sum.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(sum[i] / Steps);
        }
        return HostTensor.FromFloats(shape, values);
    }

    private static void Accumulate(StepGraph graph, Engine.Graph.Node node, ref double[]? sum, ref Shape shape)
    {
        var value = graph.Session.Executor.Read(node);                                // [1, rows, cols] f32
        shape = new Shape(value.Shape[1], value.Shape[2]);
        var v = value.AsSpan<float>();
        sum ??= new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            sum[i] += v[i];
        }
    }
}
