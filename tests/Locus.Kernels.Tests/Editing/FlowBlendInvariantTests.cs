using Locus.Engine.Tensors;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Editing;

/// <summary>FlowBlend: the σ = 0 identities (bit-exact) and the formula evaluated in double.</summary>
public sealed class FlowBlendInvariantTests
{
    [Theory]
    [InlineData("reference", DType.F32)]
    [InlineData("cpu", DType.F32)]
    [InlineData("reference", DType.BF16)]
    [InlineData("cpu", DType.BF16)]
    public void FlowBlend_SigmaZeroBinaryMask_GivesX0OrXBitExact(string backend, DType type)
    {
        // [2, 300, 37]: vector body + scalar tail, and enough tokens for the threaded CPU path.
        var shape = new Shape(2, 300, 37);
        var rng = new Random(5);
        var x = ParityRunner.Normal(rng, shape.ElementCount, 3f);
        var x0 = ParityRunner.Normal(rng, shape.ElementCount, 3f);
        var eps = ParityRunner.Normal(rng, shape.ElementCount, 3f);
        var mask = Enumerable.Range(0, 600).Select(_ => (float)rng.Next(2)).ToArray();
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g =>
        [
            g.FlowBlend(g.Input("x", type, shape), g.Input("x0", type, shape), g.Input("noise", type, shape),
                g.Input("mask", type, new Shape(2, 300, 1)), g.Input("sigma", DType.F32, new Shape(1))),
        ], ("x", x), ("x0", x0), ("noise", eps), ("mask", mask), ("sigma", [0f]))[0];
        // The inputs as stored (bf16 rounds them once on upload).
        x = HostTensor.FromFloats(type, shape, x).ToFloatArray();
        x0 = HostTensor.FromFloats(type, shape, x0).ToFloatArray();
        for (int i = 0; i < y.Length; i++)
        {
            float expected = mask[i / 37] == 0 ? x0[i] : x[i];
            Assert.True(BitConverter.SingleToInt32Bits(y[i]) == BitConverter.SingleToInt32Bits(expected), $"element {i}: {y[i]} vs {expected}");
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cpu")]
    public void FlowBlend_FractionalMaskAndSigma_MatchesDoubleFormula(string backend)
    {
        var shape = new Shape(1, 11, 13);
        var rng = new Random(9);
        var x = ParityRunner.Normal(rng, shape.ElementCount);
        var x0 = ParityRunner.Normal(rng, shape.ElementCount);
        var eps = ParityRunner.Normal(rng, shape.ElementCount);
        var mask = Enumerable.Range(0, 11).Select(_ => (float)rng.NextDouble()).ToArray();
        const float sigma = 0.42f;
        using var b = Backends.Create(backend);
        var y = EditingTestHelpers.Run(b, g =>
        [
            g.FlowBlend(g.Input("x", DType.F32, shape), g.Input("x0", DType.F32, shape), g.Input("noise", DType.F32, shape),
                g.Input("mask", DType.F32, new Shape(1, 11, 1)), g.Input("sigma", DType.F32, new Shape(1))),
        ], ("x", x), ("x0", x0), ("noise", eps), ("mask", mask), ("sigma", [sigma]))[0];
        for (int i = 0; i < y.Length; i++)
        {
            double m = mask[i / 13];
            double expected = m * x[i] + (1 - m) * (sigma * (double)eps[i] + (1 - (double)sigma) * x0[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"element {i}: {y[i]} vs {expected}");
        }
    }
}
