using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Core;

/// <summary>Fused ops against slow compositions of primitive graph ops (candle's *_slow pattern), on the CPU backend.</summary>
public sealed class FusedSlowTests
{
    private static readonly CpuBackend Cpu = new();

    private static void AssertNmse(float[] fused, float[] slow, double max = 1e-10)
    {
        double nmse = ErrorMetrics.Nmse(fused, slow);
        Assert.True(nmse <= max, $"nmse {nmse:E2} > {max:E1}");
        Assert.Equal(-1, ErrorMetrics.FirstNonFiniteMismatch(fused, slow));
    }

    [Theory]
    [InlineData(2, 17, 33, 1f)]
    [InlineData(1, 5, 1000, 1000f)]
    public void Modulate_Slow_MatchesFused(int b, int n, int c, float magnitude)
    {
        var x = CoreTestGraphs.Random(b * n * c, 1, magnitude);
        var s = CoreTestGraphs.Random(b * c, 2);
        var h = CoreTestGraphs.Random(b * c, 3, magnitude);
        (string, float[])[] inputs = [("x", x), ("s", s), ("h", h)];
        var fused = CoreTestGraphs.Run(Cpu, g => g.Modulate(g.Input("x", DType.F32, new Shape(b, n, c)), g.Input("s", DType.F32, new Shape(b, c)), g.Input("h", DType.F32, new Shape(b, c))), inputs);
        var slow = CoreTestGraphs.Run(Cpu, g =>
        {
            var onePlus = g.Reshape(g.Scale(g.Input("s", DType.F32, new Shape(b, c)), 1f, 1f), new Shape(b, 1, c));
            var shift = g.Reshape(g.Input("h", DType.F32, new Shape(b, c)), new Shape(b, 1, c));
            return g.Add(g.Mul(g.Input("x", DType.F32, new Shape(b, n, c)), onePlus), shift);
        }, inputs);
        AssertNmse(fused, slow);
    }

    [Theory]
    [InlineData(false, 1f)]
    [InlineData(true, 1f)]
    [InlineData(true, 1000f)]
    public void GatedResidual_Slow_MatchesFused(bool perToken, float magnitude)
    {
        const int b = 2, n = 9, c = 40;
        var gateShape = perToken ? new Shape(b, n, 1) : new Shape(b, c);
        (string, float[])[] inputs = [("h0", CoreTestGraphs.Random(b * n * c, 4, magnitude)), ("g", CoreTestGraphs.Random((int)gateShape.ElementCount, 5)), ("y", CoreTestGraphs.Random(b * n * c, 6, magnitude))];
        var fused = CoreTestGraphs.Run(Cpu, g => g.GatedResidual(g.Input("h0", DType.F32, new Shape(b, n, c)), g.Input("g", DType.F32, gateShape), g.Input("y", DType.F32, new Shape(b, n, c))), inputs);
        var slow = CoreTestGraphs.Run(Cpu, g =>
        {
            var gate = g.Input("g", DType.F32, gateShape);
            var gb = perToken ? gate : g.Reshape(gate, new Shape(b, 1, c));
            return g.Add(g.Input("h0", DType.F32, new Shape(b, n, c)), g.Mul(gb, g.Input("y", DType.F32, new Shape(b, n, c))));
        }, inputs);
        AssertNmse(fused, slow);
    }

    [Theory]
    [InlineData(7, 33, 1f)]
    [InlineData(3, 1000, 1000f)]
    public void RmsNorm_Slow_MatchesFused(int rows, int cols, float magnitude)
    {
        // RMS(x)·w = LayerNorm([x, −x])[:, :C]·w: the concatenation has mean 0 and biased variance mean(x²).
        (string, float[])[] inputs = [("x", CoreTestGraphs.Random(rows * cols, 7, magnitude)), ("w", CoreTestGraphs.Random(cols, 8))];
        var fused = CoreTestGraphs.Run(Cpu, g => g.RmsNorm(g.Input("x", DType.F32, new Shape(rows, cols)), g.Input("w", DType.F32, new Shape(cols)), 1e-6f), inputs);
        var slow = CoreTestGraphs.Run(Cpu, g =>
        {
            var x = g.Input("x", DType.F32, new Shape(rows, cols));
            var both = g.Concat([x, g.Scale(x, -1f)], 1);
            var normed = g.Slice(g.LayerNorm(both, null, null, 1e-6f), 1, 0, cols);
            return g.Mul(normed, g.Input("w", DType.F32, new Shape(cols)));
        }, inputs);
        AssertNmse(fused, slow);
    }

    [Fact]
    public void Gelu_Exact_AgreesWithTanhApproximation()
    {
        // |GELU_tanh − GELU_erf| < 1e-3 everywhere (Hendrycks & Gimpel): a loose cross-check that the erf path is wired.
        (string, float[])[] inputs = [("x", CoreTestGraphs.Random(4096, 9, 3f))];
        var exact = CoreTestGraphs.Run(Cpu, g => g.Gelu(g.Input("x", DType.F32, new Shape(4096)), approximate: false), inputs);
        var tanh = CoreTestGraphs.Run(Cpu, g => g.Gelu(g.Input("x", DType.F32, new Shape(4096)), approximate: true), inputs);
        Assert.True(ErrorMetrics.MaxAbs(exact, tanh) < 1e-3, $"max diff {ErrorMetrics.MaxAbs(exact, tanh)}");
    }
}
