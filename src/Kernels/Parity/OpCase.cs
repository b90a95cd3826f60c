using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

/// <summary>
/// One backend-parity case (ggml test-backend-ops style): a small graph around one op, built from
/// <see cref="GraphBuilder.Input"/> nodes only (weights are inputs too), filled with seeded random data,
/// run on the reference and on the backend under test, and compared output by output.
/// </summary>
public sealed class OpCase
{
    /// <summary>Creates a case. <paramref name="name"/> uses ggml's vars form: <c>RmsNorm(type=f32, shape=[3, 5], eps=1e-6)</c>.</summary>
    public OpCase(string name, OpKind op, Func<GraphBuilder, Node[]> build)
    {
        Name = name;
        Op = op;
        Build = build;
    }

    /// <summary>Display name with the case's variables.</summary>
    public string Name { get; }

    /// <summary>The op under test (for coverage and filtering).</summary>
    public OpKind Op { get; }

    /// <summary>Builds the graph and returns the outputs to compare.</summary>
    public Func<GraphBuilder, Node[]> Build { get; }

    /// <summary>Largest accepted normalised MSE, Σ(a−b)²/Σb². Default 1e-7 (f32); relax per case with a comment saying why.</summary>
    public double MaxNmse { get; init; } = 1e-7;

    /// <summary>Scale of the default N(0, 1) input data (large-magnitude cases use e.g. 1e3).</summary>
    public float Magnitude { get; init; } = 1f;

    /// <summary>Custom data for named inputs (masks, ids, scales); return null to use the default fill.</summary>
    public Func<string, Shape, Random, float[]?>? Fill { get; init; }

    /// <summary>When true, outputs must match exactly (integer outputs such as labels and indices).</summary>
    public bool Exact { get; init; }

    public override string ToString() => Name;
}
