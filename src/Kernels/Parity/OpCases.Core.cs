using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

// Tolerances of the Core family. F32: the default 1e-7 (f32 arithmetic against the double oracle; observed ≤ 1e-12).
// BF16 (8-bit mantissa, unit roundoff 2^-9): both sides round the same f32/double value once, so they differ only
// where the two results straddle a bf16 rounding boundary, by one bf16 ulp (≈ 4e-3 relative); 1e-4 allows a few
// percent of such flips yet still fails any real error. F16 (11-bit mantissa): 1e-6 by the same argument.
public static partial class OpCases
{
    private const double Bf16Nmse = 1e-4;
    private const double F16Nmse = 1e-6;

    /// <summary>Cases of the Core op family.</summary>
    private static IEnumerable<OpCase> CoreCases() =>
        [.. BinaryCases(), .. UnaryCases(), .. FusedCases(), .. CopyCases(), .. NormCases(), .. PositionCases(), .. ConvCases()];

    private static double Tol(DType t) => t switch { DType.BF16 => Bf16Nmse, DType.F16 => F16Nmse, _ => 1e-7 };

    private static string Ty(DType t) => t.KernelSuffix();

    private static string Sh(params int[] dims) => new Shape(dims).ToString();

    private static IEnumerable<OpCase> BinaryCases()
    {
        foreach (var op in new[] { OpKind.Add, OpKind.Sub, OpKind.Mul })
        {
            foreach (var t in new[] { DType.F32, DType.BF16 })
            {
                foreach (var (a, b) in new (int[] A, int[] B)[] { ([17], [17]), ([3, 33], [3, 33]), ([1000], [1000]), ([1], [1]), ([4, 33], [33]), ([2, 3, 5], [2, 1, 5]), ([1], [3, 7]), ([2, 17, 1], [2, 1, 9]) })
                {
                    yield return new OpCase($"{op}(type={Ty(t)}, a={Sh(a)}, b={Sh(b)})", op,
                        g => [BinaryNode(g, op, g.Input("a", t, new Shape(a)), g.Input("b", t, new Shape(b)))]) { MaxNmse = Tol(t) };
                }
                // Non-contiguous: a permuted view and a sliced view.
                yield return new OpCase($"{op}(type={Ty(t)}, a=permute([7, 5], 1, 0), b=[5, 7])", op,
                    g => [BinaryNode(g, op, g.Permute(g.Input("a", t, new Shape(7, 5)), [1, 0]), g.Input("b", t, new Shape(5, 7)))]) { MaxNmse = Tol(t) };
                yield return new OpCase($"{op}(type={Ty(t)}, a=[3, 20], b=slice([3, 33], 1, 2, 20))", op,
                    g => [BinaryNode(g, op, g.Input("a", t, new Shape(3, 20)), g.Slice(g.Input("b", t, new Shape(3, 33)), 1, 2, 20))]) { MaxNmse = Tol(t) };
            }
            yield return new OpCase($"{op}(type=f16, a=[4, 33], b=[33])", op,
                g => [BinaryNode(g, op, g.Input("a", DType.F16, new Shape(4, 33)), g.Input("b", DType.F16, new Shape(33)))]) { MaxNmse = F16Nmse };
            yield return new OpCase($"{op}(type=f32, a=[9, 1000], b=[1000], magnitude=1e3)", op,
                g => [BinaryNode(g, op, g.Input("a", DType.F32, new Shape(9, 1000)), g.Input("b", DType.F32, new Shape(1000)))]) { Magnitude = 1e3f };
            yield return new OpCase($"{op}(type=f32, a=[64, 1024], b=[64, 1024])", op,
                g => [BinaryNode(g, op, g.Input("a", DType.F32, new Shape(64, 1024)), g.Input("b", DType.F32, new Shape(64, 1024)))]);
        }
    }

    private static Node BinaryNode(GraphBuilder g, OpKind op, Node a, Node b) => op switch
    {
        OpKind.Add => g.Add(a, b),
        OpKind.Sub => g.Sub(a, b),
        _ => g.Mul(a, b),
    };

    private static IEnumerable<OpCase> UnaryCases()
    {
        var unary = new (string Name, OpKind Op, Func<GraphBuilder, Node, Node> Make)[]
        {
            ("Scale(scale=0.37, bias=-1.5)", OpKind.Scale, (g, x) => g.Scale(x, 0.37f, -1.5f)),
            ("Silu", OpKind.Silu, (g, x) => g.Silu(x)),
            ("Sigmoid", OpKind.Sigmoid, (g, x) => g.Sigmoid(x)),
            ("Gelu(approximate=true)", OpKind.Gelu, (g, x) => g.Gelu(x, approximate: true)),
            ("Gelu(approximate=false)", OpKind.Gelu, (g, x) => g.Gelu(x, approximate: false)),
        };
        foreach (var (name, op, make) in unary)
        {
            foreach (var t in new[] { DType.F32, DType.BF16 })
            {
                foreach (var shape in new[] { new[] { 1 }, [17], [1000], [3, 33] })
                {
                    yield return new OpCase($"{name}(type={Ty(t)}, x={Sh(shape)})", op, g => [make(g, g.Input("x", t, new Shape(shape)))]) { MaxNmse = Tol(t) };
                }
                yield return new OpCase($"{name}(type={Ty(t)}, x=permute([7, 5], 1, 0))", op,
                    g => [make(g, g.Permute(g.Input("x", t, new Shape(7, 5)), [1, 0]))]) { MaxNmse = Tol(t) };
            }
            yield return new OpCase($"{name}(type=f16, x=[33])", op, g => [make(g, g.Input("x", DType.F16, new Shape(33)))]) { MaxNmse = F16Nmse };
            yield return new OpCase($"{name}(type=f32, x=[4, 1000], magnitude=1e3)", op, g => [make(g, g.Input("x", DType.F32, new Shape(4, 1000)))]) { Magnitude = 1e3f };
            yield return new OpCase($"{name}(type=f32, x=[256, 1024])", op, g => [make(g, g.Input("x", DType.F32, new Shape(256, 1024)))]);
        }
    }

    private static IEnumerable<OpCase> FusedCases()
    {
        foreach (var t in new[] { DType.F32, DType.BF16 })
        {
            foreach (var (b, n, c) in new[] { (1, 1, 1), (2, 17, 33), (1, 5, 1000) })
            {
                yield return new OpCase($"Modulate(type={Ty(t)}, x={Sh(b, n, c)})", OpKind.Modulate,
                    g => [g.Modulate(g.Input("x", t, new Shape(b, n, c)), g.Input("scale", t, new Shape(b, c)), g.Input("shift", t, new Shape(b, c)))]) { MaxNmse = Tol(t) };
                yield return new OpCase($"GatedResidual(type={Ty(t)}, y={Sh(b, n, c)}, gate=per_channel)", OpKind.GatedResidual,
                    g => [g.GatedResidual(g.Input("h0", t, new Shape(b, n, c)), g.Input("gate", t, new Shape(b, c)), g.Input("y", t, new Shape(b, n, c)))]) { MaxNmse = Tol(t) };
                yield return new OpCase($"GatedResidual(type={Ty(t)}, y={Sh(b, n, c)}, gate=per_token)", OpKind.GatedResidual,
                    g => [g.GatedResidual(g.Input("h0", t, new Shape(b, n, c)), g.Input("gate", t, new Shape(b, n, 1)), g.Input("y", t, new Shape(b, n, c)))]) { MaxNmse = Tol(t) };
            }
        }
        yield return new OpCase("Modulate(type=f32, x=permute([2, 33, 17], 0, 2, 1), magnitude=1e3)", OpKind.Modulate,
            g => [g.Modulate(g.Permute(g.Input("x", DType.F32, new Shape(2, 33, 17)), [0, 2, 1]), g.Input("scale", DType.F32, new Shape(2, 33)), g.Input("shift", DType.F32, new Shape(2, 33)))]) { Magnitude = 1e3f };
        yield return new OpCase("GatedResidual(type=f32, y=[2, 64, 1000], gate=per_token, magnitude=1e3)", OpKind.GatedResidual,
            g => [g.GatedResidual(g.Input("h0", DType.F32, new Shape(2, 64, 1000)), g.Input("gate", DType.F32, new Shape(2, 64, 1)), g.Input("y", DType.F32, new Shape(2, 64, 1000)))]) { Magnitude = 1e3f };
    }

    private static IEnumerable<OpCase> CopyCases()
    {
        foreach (var (from, to) in new[] { (DType.F32, DType.BF16), (DType.BF16, DType.F32), (DType.F32, DType.F16), (DType.F16, DType.F32), (DType.BF16, DType.F16), (DType.F32, DType.F32) })
        {
            foreach (var shape in new[] { new[] { 1 }, [17], [3, 1000] })
            {
                // Both sides round the same exactly representable value once (RNE): bit-exact.
                yield return new OpCase($"Convert(from={Ty(from)}, to={Ty(to)}, x={Sh(shape)})", OpKind.Convert,
                    g => [g.Convert(g.Input("x", from, new Shape(shape)), to)]) { Exact = true };
            }
        }
        yield return new OpCase("Convert(from=f32, to=bf16, x=permute([33, 7], 1, 0), magnitude=1e3)", OpKind.Convert,
            g => [g.Convert(g.Permute(g.Input("x", DType.F32, new Shape(33, 7)), [1, 0]), DType.BF16)]) { Exact = true, Magnitude = 1e3f };
        yield return new OpCase("Convert(from=f32, to=bf16, x=[512, 1024])", OpKind.Convert,
            g => [g.Convert(g.Input("x", DType.F32, new Shape(512, 1024)), DType.BF16)]) { Exact = true };
        foreach (var t in new[] { DType.F32, DType.BF16, DType.F16 })
        {
            yield return new OpCase($"Contiguous(type={Ty(t)}, x=permute([3, 5, 7], 2, 0, 1))", OpKind.Contiguous,
                g => [g.Contiguous(g.Permute(g.Input("x", t, new Shape(3, 5, 7)), [2, 0, 1]))]) { Exact = true };
            yield return new OpCase($"Contiguous(type={Ty(t)}, x=slice([4, 33], 1, 3, 17))", OpKind.Contiguous,
                g => [g.Contiguous(g.Slice(g.Input("x", t, new Shape(4, 33)), 1, 3, 17))]) { Exact = true };
            yield return new OpCase($"Contiguous(type={Ty(t)}, x=slice(permute([6, 9, 5], 1, 0, 2), 0, 2, 5))", OpKind.Contiguous,
                g => [g.Contiguous(g.Slice(g.Permute(g.Input("x", t, new Shape(6, 9, 5)), [1, 0, 2]), 0, 2, 5))]) { Exact = true };
            yield return new OpCase($"Concat(type={Ty(t)}, parts=[2, 3, 5]+[2, 4, 5]+[2, 1, 5], axis=1)", OpKind.Concat,
                g => [g.Concat([g.Input("a", t, new Shape(2, 3, 5)), g.Input("b", t, new Shape(2, 4, 5)), g.Input("c", t, new Shape(2, 1, 5))], 1)]) { Exact = true };
        }
        yield return new OpCase("Contiguous(type=f32, x=permute([1, 24, 64, 128], 0, 2, 1, 3))", OpKind.Contiguous,
            g => [g.Contiguous(g.Permute(g.Input("x", DType.F32, new Shape(1, 24, 64, 128)), [0, 2, 1, 3]))]) { Exact = true };
        yield return new OpCase("Concat(type=f32, parts=[3, 7]+[5, 7], axis=0)", OpKind.Concat,
            g => [g.Concat([g.Input("a", DType.F32, new Shape(3, 7)), g.Input("b", DType.F32, new Shape(5, 7))], 0)]) { Exact = true };
        yield return new OpCase("Concat(type=f32, parts=[1, 17]+[1, 1]+permute([33, 1], 1, 0), axis=-1)", OpKind.Concat,
            g => [g.Concat([g.Input("a", DType.F32, new Shape(1, 17)), g.Input("b", DType.F32, new Shape(1, 1)), g.Permute(g.Input("c", DType.F32, new Shape(33, 1)), [1, 0])], -1)]) { Exact = true };
        yield return new OpCase("Concat(type=f32, parts=[1, 512, 64]+[1, 1024, 64], axis=1)", OpKind.Concat,
            g => [g.Concat([g.Input("a", DType.F32, new Shape(1, 512, 64)), g.Input("b", DType.F32, new Shape(1, 1024, 64))], 1)]) { Exact = true };
    }

    private static IEnumerable<OpCase> NormCases()
    {
        foreach (var t in new[] { DType.F32, DType.BF16 })
        {
            foreach (var shape in new[] { new[] { 1, 1 }, [17, 33], [2, 5, 1000] })
            {
                int c = shape[^1];
                yield return new OpCase($"LayerNorm(type={Ty(t)}, x={Sh(shape)}, affine=false, eps=1e-6)", OpKind.LayerNorm,
                    g => [g.LayerNorm(g.Input("x", t, new Shape(shape)), null, null, 1e-6f)]) { MaxNmse = Tol(t) };
                yield return new OpCase($"LayerNorm(type={Ty(t)}, x={Sh(shape)}, affine=true, eps=1e-5)", OpKind.LayerNorm,
                    g => [g.LayerNorm(g.Input("x", t, new Shape(shape)), g.Input("w", t, new Shape(c)), g.Input("b", t, new Shape(c)), 1e-5f)]) { MaxNmse = Tol(t) };
                yield return new OpCase($"RmsNorm(type={Ty(t)}, x={Sh(shape)}, eps=1e-6)", OpKind.RmsNorm,
                    g => [g.RmsNorm(g.Input("x", t, new Shape(shape)), g.Input("w", t, new Shape(c)), 1e-6f)]) { MaxNmse = Tol(t) };
                yield return new OpCase($"Softmax(type={Ty(t)}, x={Sh(shape)})", OpKind.Softmax,
                    g => [g.Softmax(g.Input("x", t, new Shape(shape)))]) { MaxNmse = Tol(t) };
            }
            foreach (var (shape, groups) in new[] { (new[] { 1, 1, 1, 1 }, 1), ([2, 8, 5, 7], 4), ([1, 32, 9, 9], 32), ([1, 64, 17, 33], 32) })
            {
                yield return new OpCase($"GroupNorm(type={Ty(t)}, x={Sh(shape)}, groups={groups}, eps=1e-6)", OpKind.GroupNorm,
                    g => [g.GroupNorm(g.Input("x", t, new Shape(shape)), g.Input("w", t, new Shape(shape[1])), g.Input("b", t, new Shape(shape[1])), groups, 1e-6f)]) { MaxNmse = Tol(t) };
            }
        }
        yield return new OpCase("RmsNorm(type=f32, x=[2, 9, 1000], w=bf16, eps=1e-6, magnitude=1e3)", OpKind.RmsNorm,
            g => [g.RmsNorm(g.Input("x", DType.F32, new Shape(2, 9, 1000)), g.Input("w", DType.BF16, new Shape(1000)), 1e-6f)]) { Magnitude = 1e3f };
        yield return new OpCase("RmsNorm(type=f32, x=permute([2, 16, 33], 0, 2, 1), eps=1e-6)", OpKind.RmsNorm,
            g => [g.RmsNorm(g.Permute(g.Input("x", DType.F32, new Shape(2, 16, 33)), [0, 2, 1]), g.Input("w", DType.F32, new Shape(16)), 1e-6f)]);
        yield return new OpCase("LayerNorm(type=f32, x=[3, 1000], affine=true, eps=1e-6, magnitude=1e3)", OpKind.LayerNorm,
            g => [g.LayerNorm(g.Input("x", DType.F32, new Shape(3, 1000)), g.Input("w", DType.F32, new Shape(1000)), g.Input("b", DType.F32, new Shape(1000)), 1e-6f)]) { Magnitude = 1e3f };
        yield return new OpCase("Softmax(type=f32, x=[4, 1000], magnitude=1e3)", OpKind.Softmax,
            g => [g.Softmax(g.Input("x", DType.F32, new Shape(4, 1000)))]) { Magnitude = 1e3f };
        yield return new OpCase("Softmax(type=f16, x=[5, 33])", OpKind.Softmax, g => [g.Softmax(g.Input("x", DType.F16, new Shape(5, 33)))]) { MaxNmse = F16Nmse };
        yield return new OpCase("GroupNorm(type=f32, x=[1, 8, 13, 11], groups=2, eps=1e-6, magnitude=1e3)", OpKind.GroupNorm,
            g => [g.GroupNorm(g.Input("x", DType.F32, new Shape(1, 8, 13, 11)), g.Input("w", DType.F32, new Shape(8)), g.Input("b", DType.F32, new Shape(8)), 2, 1e-6f)]) { Magnitude = 1e3f };
        yield return new OpCase("LayerNorm(type=f32, x=[512, 3072], affine=false, eps=1e-6)", OpKind.LayerNorm,
            g => [g.LayerNorm(g.Input("x", DType.F32, new Shape(512, 3072)), null, null, 1e-6f)]);
    }

    private static IEnumerable<OpCase> PositionCases()
    {
        // cos/sin of consistent random angles in [−π, π) (the tables are F32 whatever x's dtype is).
        static float[]? RopeFill(string name, Shape shape, Random rng)
        {
            if (name is not ("cos" or "sin"))
            {
                return null;
            }
            var v = new float[shape.ElementCount];
            var r = new Random(11); // same seed for both tables: sin and cos of the same angles
            for (int i = 0; i < v.Length; i++)
            {
                double a = (r.NextDouble() * 2 - 1) * Math.PI;
                v[i] = (float)(name == "cos" ? Math.Cos(a) : Math.Sin(a));
            }
            return v;
        }
        foreach (var t in new[] { DType.F32, DType.BF16 })
        {
            foreach (var (b, h, n, d) in new[] { (1, 1, 1, 2), (2, 3, 17, 16), (1, 2, 33, 128) })
            {
                yield return new OpCase($"Rope(type={Ty(t)}, x={Sh(b, h, n, d)})", OpKind.Rope,
                    g => [g.Rope(g.Input("x", t, new Shape(b, h, n, d)), g.Input("cos", DType.F32, new Shape(n, d / 2)), g.Input("sin", DType.F32, new Shape(n, d / 2)))]) { MaxNmse = Tol(t), Fill = RopeFill };
            }
        }
        yield return new OpCase("Rope(type=f32, x=permute([1, 17, 2, 16], 0, 2, 1, 3), magnitude=1e3)", OpKind.Rope,
            g => [g.Rope(g.Permute(g.Input("x", DType.F32, new Shape(1, 17, 2, 16)), [0, 2, 1, 3]), g.Input("cos", DType.F32, new Shape(17, 8)), g.Input("sin", DType.F32, new Shape(17, 8)))]) { Magnitude = 1e3f, Fill = RopeFill };
        // Timesteps in [0, 1000) like the schedulers produce (also 0 and 1000 exactly).
        static float[]? TimeFill(string name, Shape shape, Random rng)
        {
            var v = new float[shape.ElementCount];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = i == 0 ? 0f : i == 1 ? 1000f : (float)(rng.NextDouble() * 1000);
            }
            return v;
        }
        foreach (var p in new[] { new TimestepEmbeddingParams(256, true, 0f, 1f), new TimestepEmbeddingParams(32, false, 1f, 1f), new TimestepEmbeddingParams(256, true, 0f, 1000f), new TimestepEmbeddingParams(6, true, 0f, 1f, 100f) })
        {
            yield return new OpCase($"TimestepEmbedding(t=[5], dim={p.Dim}, flip={p.FlipSinToCos}, shift={p.DownscaleFreqShift}, scale={p.TimeScale}, max_period={p.MaxPeriod})", OpKind.TimestepEmbedding,
                g => [g.TimestepEmbedding(g.Input("t", DType.F32, new Shape(5)), p)]) { Fill = TimeFill };
        }
    }

    private static IEnumerable<OpCase> ConvCases()
    {
        var convs = new (int[] X, int Co, int K, Conv2dParams P, bool Bias)[]
        {
            ([1, 5, 7, 9], 6, 1, new Conv2dParams(1, 0), true),
            ([2, 3, 9, 11], 5, 3, new Conv2dParams(1, 1), true),
            ([1, 4, 10, 10], 7, 3, new Conv2dParams(2, 0, 0, 1, 1), true),
            ([1, 3, 11, 9], 17, 3, new Conv2dParams(2, 1, 1, 1, 1), false),
            ([1, 1, 1, 1], 1, 1, new Conv2dParams(1, 0), false),
            ([1, 2, 3, 3], 3, 3, new Conv2dParams(1, 1, 0, 0, 1), true),
            ([1, 32, 20, 20], 16, 3, new Conv2dParams(1, 1), true),
            ([2, 16, 18, 18], 8, 1, new Conv2dParams(1, 0), true),
        };
        foreach (var t in new[] { DType.F32, DType.BF16 })
        {
            foreach (var (x, co, k, p, bias) in convs)
            {
                string name = $"Conv2d(type={Ty(t)}, x={Sh(x)}, w={Sh(co, x[1], k, k)}, stride={p.Stride}, pad=({p.PadTop}, {p.PadLeft}, {p.PadBottom}, {p.PadRight}), bias={bias})";
                yield return new OpCase(name, OpKind.Conv2d, g => [g.Conv2d(g.Input("x", t, new Shape(x)), g.Input("w", t, new Shape(co, x[1], k, k)), bias ? g.Input("b", t, new Shape(co)) : null, p)]) { MaxNmse = Tol(t) };
            }
            foreach (var shape in new[] { new[] { 1, 3, 5, 7 }, [2, 1, 1, 1], [1, 4, 16, 17] })
            {
                yield return new OpCase($"UpsampleNearest2x(type={Ty(t)}, x={Sh(shape)})", OpKind.UpsampleNearest2x,
                    g => [g.UpsampleNearest2x(g.Input("x", t, new Shape(shape)))]) { Exact = true };
            }
        }
        yield return new OpCase("Conv2d(type=f32, x=[1, 8, 12, 12], w=bf16 [8, 8, 3, 3], stride=1, pad=1, magnitude=1e3)", OpKind.Conv2d,
            g => [g.Conv2d(g.Input("x", DType.F32, new Shape(1, 8, 12, 12)), g.Input("w", DType.BF16, new Shape(8, 8, 3, 3)), g.Input("b", DType.F32, new Shape(8)), new Conv2dParams(1, 1))]) { Magnitude = 1e3f };
        yield return new OpCase("UpsampleNearest2x(type=f32, x=permute([1, 9, 3, 5], 0, 1, 3, 2))", OpKind.UpsampleNearest2x,
            g => [g.UpsampleNearest2x(g.Permute(g.Input("x", DType.F32, new Shape(1, 9, 3, 5)), [0, 1, 3, 2]))]) { Exact = true };
    }
}
