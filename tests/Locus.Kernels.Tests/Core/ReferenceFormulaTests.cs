using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Reference;
using Locus.Kernels.Reference.Core;
using Xunit;

namespace Locus.Kernels.Tests.Core;

/// <summary>Checks the oracle itself: each reference kernel against the formula evaluated in double (or known constants) on tiny inputs.</summary>
public sealed class ReferenceFormulaTests
{
    private static readonly ReferenceBackend Ref = new();

    private static void Close(double[] expected, float[] actual, double tol = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
        }
    }

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(-2.7, -0.9998656672600594)]
    [InlineData(0.0, 0.0)]
    [InlineData(10.0, 1.0)]
    public void Erf_KnownValues_MatchTables(double x, double expected) =>
        Assert.True(Math.Abs(ReferenceMath.Erf(x) - expected) < 1e-14, $"erf({x}) = {ReferenceMath.Erf(x)}");

    [Fact]
    public void RmsNorm_SmallRow_MatchesFormula()
    {
        float[] x = [1, -2, 3, 4], w = [1, 0.5f, 2, -1];
        double inv = 1 / Math.Sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6);
        var y = CoreTestGraphs.Run(Ref, g => g.RmsNorm(g.Input("x", DType.F32, new Shape(1, 4)), g.Input("w", DType.F32, new Shape(4)), 1e-6f), ("x", x), ("w", w));
        Close([1 * inv, -2 * inv * 0.5, 3 * inv * 2, -4 * inv], y);
    }

    [Fact]
    public void LayerNorm_AffineAndPlain_MatchFormula()
    {
        float[] x = [1, 2, 6, -3, 0, 3];
        var plain = CoreTestGraphs.Run(Ref, g => g.LayerNorm(g.Input("x", DType.F32, new Shape(2, 3)), null, null, 1e-5f), ("x", x));
        double s0 = 1 / Math.Sqrt((4 + 1 + 9) / 3.0 + 1e-5), s1 = 1 / Math.Sqrt(18 / 3.0 + 1e-5);
        Close([-2 * s0, -1 * s0, 3 * s0, -3 * s1, 0, 3 * s1], plain);
        var affine = CoreTestGraphs.Run(Ref, g => g.LayerNorm(g.Input("x", DType.F32, new Shape(2, 3)), g.Input("w", DType.F32, new Shape(3)), g.Input("b", DType.F32, new Shape(3)), 1e-5f),
            ("x", x), ("w", [2f, 1f, 0.5f]), ("b", [0f, 1f, -1f]));
        Close([-4 * s0, -1 * s0 + 1, 1.5 * s0 - 1, -6 * s1, 1, 1.5 * s1 - 1], affine);
    }

    [Fact]
    public void Softmax_Row_MatchesFormula()
    {
        var y = CoreTestGraphs.Run(Ref, g => g.Softmax(g.Input("x", DType.F32, new Shape(1, 3))), ("x", [1f, 2f, 3f]));
        double z = Math.E + Math.E * Math.E + Math.Exp(3);
        Close([Math.E / z, Math.Exp(2) / z, Math.Exp(3) / z], y);
    }

    [Fact]
    public void GeluAndSilu_Values_MatchFormulas()
    {
        float[] x = [-3, -1, -0.25f, 0, 0.5f, 1, 2];
        var exact = CoreTestGraphs.Run(Ref, g => g.Gelu(g.Input("x", DType.F32, new Shape(7)), approximate: false), ("x", x));
        // 0.5·x·(1 + erf(x/√2)) = x·Φ(x); Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208, Φ(0.5) = 0.6914624612740131.
        Close([-3 * 0.0013498980316301, -0.15865525393145707, -0.25 * 0.4012936743170763, 0, 0.5 * 0.6914624612740131, 0.8413447460685429, 2 * 0.9772498680518208], exact, 1e-7);
        var tanh = CoreTestGraphs.Run(Ref, g => g.Gelu(g.Input("x", DType.F32, new Shape(7)), approximate: true), ("x", x));
        Close(x.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))).ToArray(), tanh);
        var silu = CoreTestGraphs.Run(Ref, g => g.Silu(g.Input("x", DType.F32, new Shape(7))), ("x", x));
        Close(x.Select(v => v / (1 + Math.Exp(-(double)v))).ToArray(), silu);
    }

    [Fact]
    public void GroupNorm_TwoGroups_MatchesFormula()
    {
        // x [1, 4, 1, 2]: group 0 = channels 0–1 = {1, 3, 5, 7}, group 1 = channels 2–3 = {0, 0, 2, 2}.
        float[] x = [1, 3, 5, 7, 0, 0, 2, 2];
        var y = CoreTestGraphs.Run(Ref, g => g.GroupNorm(g.Input("x", DType.F32, new Shape(1, 4, 1, 2)), g.Input("w", DType.F32, new Shape(4)), g.Input("b", DType.F32, new Shape(4)), 2, 0f),
            ("x", x), ("w", [1f, 2f, 1f, -1f]), ("b", [0f, 0f, 0.5f, 0f]));
        double s0 = 1 / Math.Sqrt(5.0), s1 = 1.0; // var {1,3,5,7} = 5; var {0,0,2,2} = 1
        Close([-3 * s0, -1 * s0, 2 * s0, 2 * 3 * s0, -1 * s1 + 0.5, -1 * s1 + 0.5, -1 * s1, -1 * s1], y);
    }

    [Fact]
    public void Conv2d_OnesKernel_GivesWindowSums()
    {
        var x = Enumerable.Range(1, 16).Select(v => (float)v).ToArray(); // 4×4
        var w = Enumerable.Repeat(1f, 9).ToArray();
        var y = CoreTestGraphs.Run(Ref, g => g.Conv2d(g.Input("x", DType.F32, new Shape(1, 1, 4, 4)), g.Input("w", DType.F32, new Shape(1, 1, 3, 3)), g.Input("b", DType.F32, new Shape(1)), new Conv2dParams(2, 0, 0, 1, 1)),
            ("x", x), ("w", w), ("b", [0.5f]));
        Close([54.5, 45.5, 72.5, 54.5], y);
        var y2 = CoreTestGraphs.Run(Ref, g => g.Conv2d(g.Input("x", DType.F32, new Shape(1, 1, 3, 3)), g.Input("w", DType.F32, new Shape(1, 1, 2, 2)), null, new Conv2dParams(1, 0)),
            ("x", [1f, 2, 3, 4, 5, 6, 7, 8, 9]), ("w", [1f, 1, 1, 1]));
        Close([12, 16, 24, 28], y2);
    }

    [Fact]
    public void TimestepEmbedding_FlipSinToCos_MatchesFormula()
    {
        var p = new TimestepEmbeddingParams(4, FlipSinToCos: true, DownscaleFreqShift: 0f, TimeScale: 1f);
        var y = CoreTestGraphs.Run(Ref, g => g.TimestepEmbedding(g.Input("t", DType.F32, new Shape(2)), p), ("t", [0f, 500f]));
        // f = [1, exp(−ln(1e4)/2)] = [1, 0.01]
        Close([1, 1, 0, 0, Math.Cos(500), Math.Cos(5), Math.Sin(500), Math.Sin(5)], y, 1e-7);
        var q = new TimestepEmbeddingParams(4, FlipSinToCos: false, DownscaleFreqShift: 1f, TimeScale: 2f);
        var z = CoreTestGraphs.Run(Ref, g => g.TimestepEmbedding(g.Input("t", DType.F32, new Shape(1)), q), ("t", [3f]));
        // half − shift = 1 → f = [1, 1e-4]; a = 6·f
        Close([Math.Sin(6), Math.Sin(6e-4), Math.Cos(6), Math.Cos(6e-4)], z, 1e-7);
    }

    [Fact]
    public void Rope_QuarterTurn_RotatesAdjacentPairs()
    {
        // pair 0 rotated by 90°, pair 1 by 0°: (x0, x1) → (−x1, x0).
        var y = CoreTestGraphs.Run(Ref, g => g.Rope(g.Input("x", DType.F32, new Shape(1, 1, 1, 4)), g.Input("c", DType.F32, new Shape(1, 2)), g.Input("s", DType.F32, new Shape(1, 2))),
            ("x", [1f, 2f, 3f, 4f]), ("c", [0f, 1f]), ("s", [1f, 0f]));
        Close([-2, 1, 3, 4], y);
    }

    [Fact]
    public void UpsampleAndModulate_Small_MatchHandValues()
    {
        var up = CoreTestGraphs.Run(Ref, g => g.UpsampleNearest2x(g.Input("x", DType.F32, new Shape(1, 1, 2, 2))), ("x", [1f, 2f, 3f, 4f]));
        Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], up);
        var m = CoreTestGraphs.Run(Ref, g => g.Modulate(g.Input("x", DType.F32, new Shape(1, 2, 2)), g.Input("s", DType.F32, new Shape(1, 2)), g.Input("h", DType.F32, new Shape(1, 2))),
            ("x", [1f, 2f, 3f, 4f]), ("s", [1f, -0.5f]), ("h", [0f, 10f]));
        Close([2, 11, 6, 12], m);
    }

    [Fact]
    public void AddBf16_TieOnOutput_RoundsToEven()
    {
        // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties to even gives 1; 1 + 3·2^-8 rounds up to 1 + 2^-6.
        var y = CoreTestGraphs.Run(Ref, g => g.Add(g.Input("a", DType.BF16, new Shape(2)), g.Input("b", DType.BF16, new Shape(2))),
            ("a", [1f, 1f]), ("b", [1f / 256, 3f / 256]));
        Assert.Equal([1f, 1f + 1f / 64], y);
    }

    [Fact]
    public void Broadcast_ColumnAndRow_MatchOuterSum()
    {
        var y = CoreTestGraphs.Run(Ref, g => g.Sub(g.Input("a", DType.F32, new Shape(3, 1)), g.Input("b", DType.F32, new Shape(2))), ("a", [1f, 2f, 3f]), ("b", [10f, 20f]));
        Close([-9, -19, -8, -18, -7, -17], y);
    }
}
