using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Reference;

namespace Locus.Kernels.Parity;

/// <summary>Runs <see cref="OpCase"/>s on a backend and on the reference, and compares (shared by xunit and <c>locus parity</c>).</summary>
public static partial class ParityRunner
{
    /// <summary>Seed of the input data (fixed so failures reproduce).</summary>
    public const int DefaultSeed = 20230828;

    /// <summary>Runs one case on <paramref name="target"/> against the reference backend.</summary>
    public static ParityResult Run(OpCase c, IBackend target, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(target);
        var g = new GraphBuilder();
        var outputs = c.Build(g);
        var graph = g.Build(outputs);
        var inputs = MakeInputs(c, graph, seed);
        using var reference = new ReferenceBackend();
        if (!SupportsAll(target, graph, out string? why))
        {
            return new ParityResult(c.Name, target.Name, ParityStatus.Skipped, 0, 0, why!);
        }
        var referenceGuard = new GuardedBackend(reference);
        var expected = Evaluate(graph, referenceGuard, inputs, outputs);
        if (referenceGuard.Violation is { } refBad)
        {
            return Fail(c, target, "reference: " + refBad);
        }
        HostTensor[] actual;
        var guard = new GuardedBackend(target);
        try
        {
            actual = Evaluate(graph, guard, inputs, outputs);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ParityResult(c.Name, target.Name, ParityStatus.Failed, double.NaN, double.NaN, $"threw {e.GetType().Name}: {e.Message}");
        }
        if (guard.Violation is { } bad0)
        {
            return Fail(c, target, bad0);
        }
        double worstNmse = 0, worstAbs = 0;
        for (int o = 0; o < outputs.Length; o++)
        {
            var a = actual[o].ToFloatArray();
            var e = expected[o].ToFloatArray();
            int bad = ErrorMetrics.FirstNonFiniteMismatch(a, e);
            if (bad >= 0)
            {
                return Fail(c, target, $"output '{outputs[o].Name}': non-finite mismatch at {bad}: got {a[bad]}, expected {e[bad]}");
            }
            var fa = a.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
            var fe = e.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
            double nmse = ErrorMetrics.Nmse(fa, fe);
            double maxAbs = ErrorMetrics.MaxAbs(fa, fe);
            worstNmse = Math.Max(worstNmse, nmse);
            worstAbs = Math.Max(worstAbs, maxAbs);
            bool ok = c.Exact ? maxAbs == 0 : nmse <= c.MaxNmse;
            if (!ok)
            {
                int at = ErrorMetrics.ArgMaxAbs(fa, fe);
                return new ParityResult(c.Name, target.Name, ParityStatus.Failed, nmse, maxAbs,
                    $"output '{outputs[o].Name}': nmse {nmse:E2} > {c.MaxNmse:E1}{(c.Exact ? " (exact required)" : "")}; worst at {at}: got {fa[at]}, expected {fe[at]}");
            }
        }
        return new ParityResult(c.Name, target.Name, ParityStatus.Passed, worstNmse, worstAbs, "");
    }

    /// <summary>Seeded input data of a case (shared by both backends).</summary>
    public static Dictionary<string, HostTensor> MakeInputs(OpCase c, Graph graph, int seed)
    {
        var rng = new Random(seed);
        var data = new Dictionary<string, HostTensor>();
        foreach (var input in graph.Inputs)
        {
            var values = c.Fill?.Invoke(input.Name, input.Shape, rng) ?? Normal(rng, input.Shape.ElementCount, c.Magnitude);
            data[input.Name] = HostTensor.FromFloats(input.DType, input.Shape, values);
        }
        return data;
    }

    /// <summary>N(0, magnitude²) values.</summary>
    public static float[] Normal(Random rng, long count, float magnitude = 1f)
    {
        var v = new float[count];
        for (long i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * magnitude);
        }
        return v;
    }

    private static HostTensor[] Evaluate(Graph graph, IBackend backend, Dictionary<string, HostTensor> inputs, Node[] outputs)
    {
        using var executor = new Executor(graph, backend);
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
        executor.Run();
        return outputs.Select(executor.Read).ToArray();
    }

    private static bool SupportsAll(IBackend backend, Graph graph, out string? reason)
    {
        foreach (var n in graph.Nodes)
        {
            if (!n.IsLeaf && !n.IsView && !backend.Supports(n, out reason))
            {
                reason = $"{n.Op} not supported on {backend.Name}: {reason}";
                return false;
            }
        }
        reason = null;
        return true;
    }

    private static ParityResult Fail(OpCase c, IBackend target, string detail) =>
        new(c.Name, target.Name, ParityStatus.Failed, double.NaN, double.NaN, detail);
}
