using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

// Cases aimed at the CUDA contiguous fast paths (elementwise.cu *_fast, convert.cu convert_fast_*): 16-byte vector
// bodies with scalar tails (element counts not a multiple of 8), contiguous views at an odd element offset (misaligned:
// scalar fast path), row [C] and per-row [.., 1] broadcasts with C a multiple of the vector width and not, and scalar
// operands. Every backend runs them; on the CPU they are ordinary elementwise cases.
public static partial class OpCases
{
    private static IEnumerable<OpCase> CudaPathCases() =>
        [.. CudaBinaryPathCases(), .. CudaUnaryPathCases(), .. CudaConvertPathCases(), .. CudaCopyPathCases(), .. CudaNormPathCases()];

    // Row-cached vector norms (norm.cu *_vec1/2/4): C a multiple of the vector width, with 1, 2 and 4 vectors per thread
    // (f32 C = 8192 → 2 per thread at 1024 threads, C = 16384 → 4; bf16 C = 16384 → 2), one C that is not (scalar kernel).
    private static IEnumerable<OpCase> CudaNormPathCases()
    {
        foreach (var (type, rows, c) in new (DType, int, int)[] { (DType.F32, 5, 1000), (DType.F32, 3, 8192), (DType.F32, 2, 16384), (DType.BF16, 3, 3072), (DType.BF16, 2, 16384), (DType.F32, 3, 1001) })
        {
            // bf16 outputs: one rounding of 2⁻⁹ relative per element (the Core norm cases' 1e-4 bound).
            double nmse = type == DType.BF16 ? 1e-4 : 1e-7;
            string t = type.ToString().ToLowerInvariant();
            yield return new OpCase($"RmsNorm(type={t}, shape=[{rows}, {c}], eps=1e-6, path=vec)", OpKind.RmsNorm, g =>
                [g.RmsNorm(g.Input("x", type, new Shape(rows, c)), g.Input("w", DType.F32, new Shape(c)), 1e-6f)]) { MaxNmse = nmse };
            yield return new OpCase($"LayerNorm(type={t}, shape=[{rows}, {c}], eps=1e-6, affine=true, path=vec)", OpKind.LayerNorm, g =>
                [g.LayerNorm(g.Input("x", type, new Shape(rows, c)), g.Input("w", DType.F32, new Shape(c)), g.Input("b", DType.F32, new Shape(c)), 1e-6f)]) { MaxNmse = nmse, Magnitude = 3f };
            yield return new OpCase($"Softmax(type={t}, shape=[{rows}, {c}], path=vec)", OpKind.Softmax, g =>
                [g.Softmax(g.Input("x", type, new Shape(rows, c)))]) { MaxNmse = nmse };
        }
    }

    // Contiguous: row-run copies (dense last dim; 16-byte and narrower units) and 32×32 tiled transposes (partial tiles, batches).
    private static IEnumerable<OpCase> CudaCopyPathCases()
    {
        var views = new (string Name, int[] Shape, Func<GraphBuilder, Node, Node> View)[]
        {
            ("permute([2, 5, 3, 64], 0, 2, 1, 3)", [2, 5, 3, 64], (g, x) => g.Permute(x, [0, 2, 1, 3])),
            ("permute([2, 5, 3, 7], 0, 2, 1, 3)", [2, 5, 3, 7], (g, x) => g.Permute(x, [0, 2, 1, 3])),
            ("slice([6, 40], 1, 8, 24)", [6, 40], (g, x) => g.Slice(x, 1, 8, 24)),
            ("permute([40, 70], 1, 0)", [40, 70], (g, x) => g.Permute(x, [1, 0])),
            ("permute([3, 33, 65], 0, 2, 1)", [3, 33, 65], (g, x) => g.Permute(x, [0, 2, 1])),
            ("permute([2, 3, 64, 32], 1, 0, 3, 2)", [2, 3, 64, 32], (g, x) => g.Permute(x, [1, 0, 3, 2])),
        };
        foreach (var t in new[] { DType.F32, DType.BF16, DType.F16 })
        {
            foreach (var (name, shape, view) in views)
            {
                yield return new OpCase($"Contiguous(type={Ty(t)}, x={name}, path=cuda-fast)", OpKind.Contiguous,
                    g => [g.Contiguous(view(g, g.Input("x", t, new Shape(shape))))]) { Exact = true };
            }
        }
    }

    private static IEnumerable<OpCase> CudaBinaryPathCases()
    {
        var pairs = new (string Name, Func<GraphBuilder, DType, (Node A, Node B)> Make)[]
        {
            ("a=[3, 1001], b=[3, 1001]", (g, t) => (g.Input("a", t, new Shape(3, 1001)), g.Input("b", t, new Shape(3, 1001)))),
            ("a=slice([4, 1001], 0, 1, 3), b=[3, 1001]", (g, t) => (g.Slice(g.Input("a", t, new Shape(4, 1001)), 0, 1, 3), g.Input("b", t, new Shape(3, 1001)))),
            ("a=[3, 1001], b=slice([1003], 0, 1, 1001)", (g, t) => (g.Input("a", t, new Shape(3, 1001)), g.Slice(g.Input("b", t, new Shape(1003)), 0, 1, 1001))),
            ("a=[5, 64], b=[64]", (g, t) => (g.Input("a", t, new Shape(5, 64)), g.Input("b", t, new Shape(64)))),
            ("a=[1, 64], b=[6, 64]", (g, t) => (g.Input("a", t, new Shape(1, 64)), g.Input("b", t, new Shape(6, 64)))),
            ("a=[5, 64], b=[5, 1]", (g, t) => (g.Input("a", t, new Shape(5, 64)), g.Input("b", t, new Shape(5, 1)))),
            ("a=[2, 3, 1], b=[2, 3, 72]", (g, t) => (g.Input("a", t, new Shape(2, 3, 1)), g.Input("b", t, new Shape(2, 3, 72)))),
            ("a=[2, 3, 72], b=[1, 1, 72]", (g, t) => (g.Input("a", t, new Shape(2, 3, 72)), g.Input("b", t, new Shape(1, 1, 72)))),
            ("a=[5, 1001], b=[1001]", (g, t) => (g.Input("a", t, new Shape(5, 1001)), g.Input("b", t, new Shape(1001)))),
            ("a=[5, 1001], b=[5, 1]", (g, t) => (g.Input("a", t, new Shape(5, 1001)), g.Input("b", t, new Shape(5, 1)))),
            ("a=[1], b=[3, 1001]", (g, t) => (g.Input("a", t, new Shape(1)), g.Input("b", t, new Shape(3, 1001)))),
            ("a=[40, 136], b=[1, 1]", (g, t) => (g.Input("a", t, new Shape(40, 136)), g.Input("b", t, new Shape(1, 1)))),
        };
        foreach (var op in new[] { OpKind.Add, OpKind.Sub, OpKind.Mul })
        {
            foreach (var t in new[] { DType.F32, DType.BF16, DType.F16 })
            {
                foreach (var (name, make) in pairs)
                {
                    yield return new OpCase($"{op}(type={Ty(t)}, {name}, path=cuda-fast)", op, g =>
                    {
                        var (a, b) = make(g, t);
                        return [BinaryNode(g, op, a, b)];
                    }) { MaxNmse = Tol(t) };
                }
            }
        }
    }

    private static IEnumerable<OpCase> CudaUnaryPathCases()
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
            foreach (var t in new[] { DType.F32, DType.BF16, DType.F16 })
            {
                yield return new OpCase($"{name}(type={Ty(t)}, x=[3, 1001], path=cuda-fast)", op,
                    g => [make(g, g.Input("x", t, new Shape(3, 1001)))]) { MaxNmse = Tol(t) };
                yield return new OpCase($"{name}(type={Ty(t)}, x=slice([4, 1001], 0, 1, 3), path=cuda-fast)", op,
                    g => [make(g, g.Slice(g.Input("x", t, new Shape(4, 1001)), 0, 1, 3))]) { MaxNmse = Tol(t) };
                yield return new OpCase($"{name}(type={Ty(t)}, x=[64, 72], path=cuda-fast)", op,
                    g => [make(g, g.Input("x", t, new Shape(64, 72)))]) { MaxNmse = Tol(t) };
            }
        }
    }

    private static IEnumerable<OpCase> CudaConvertPathCases()
    {
        var floats = new[] { DType.F32, DType.BF16, DType.F16 };
        foreach (var from in floats)
        {
            foreach (var to in floats)
            {
                if (from == to)
                {
                    continue;
                }
                yield return new OpCase($"Convert(from={Ty(from)}, to={Ty(to)}, x=[3, 1001], path=cuda-fast)", OpKind.Convert,
                    g => [g.Convert(g.Input("x", from, new Shape(3, 1001)), to)]) { Exact = true };
                yield return new OpCase($"Convert(from={Ty(from)}, to={Ty(to)}, x=slice([4, 1001], 0, 1, 3), path=cuda-fast)", OpKind.Convert,
                    g => [g.Convert(g.Slice(g.Input("x", from, new Shape(4, 1001)), 0, 1, 3), to)]) { Exact = true };
                yield return new OpCase($"Convert(from={Ty(from)}, to={Ty(to)}, x=[64, 72], path=cuda-fast)", OpKind.Convert,
                    g => [g.Convert(g.Input("x", from, new Shape(64, 72)), to)]) { Exact = true };
            }
        }
    }
}
