using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

public static partial class OpCases
{
    /// <summary>Cases of the Matrix op family.</summary>
    private static IEnumerable<OpCase> MatrixCases() => [.. LinearCases(), .. MatMulCases(), .. AttentionCases(), .. CaptureCases()];

    private static IEnumerable<OpCase> LinearCases()
    {
        foreach (var wt in new[] { DType.F32, DType.BF16, DType.F16 })
        {
            foreach (bool bias in new[] { false, true })
            {
                yield return LinearCase(wt, [5, 37], 29, bias);
                yield return LinearCase(wt, [2, 3, 129], 65, bias);
            }
        }
        yield return LinearCase(DType.F32, [1, 1], 1, true);
        yield return LinearCase(DType.F32, [70, 300], 150, true);
        yield return LinearCase(DType.BF16, [3, 17], 9, true, magnitude: 1e3f);
        yield return new OpCase("Linear(type=f32, x=[7, 33] transposed view, out=12)", OpKind.Linear, g =>
        {
            var x = g.Permute(g.Input("x", DType.F32, new Shape(33, 7)), [1, 0]);
            return [g.Linear(x, g.Input("w", DType.F32, new Shape(12, 33)), g.Input("b", DType.F32, new Shape(12)))];
        });
    }

    private static OpCase LinearCase(DType weightType, int[] x, int outFeatures, bool bias, float magnitude = 1f) =>
        new($"Linear(type=f32, weight={weightType.ToString().ToLowerInvariant()}, x=[{string.Join(", ", x)}], out={outFeatures}, bias={bias}{(magnitude != 1f ? $", magnitude={magnitude}" : "")})", OpKind.Linear, g =>
        {
            var xn = g.Input("x", DType.F32, new Shape(x));
            var w = g.Input("w", weightType, new Shape(outFeatures, x[^1]));
            return [g.Linear(xn, w, bias ? g.Input("b", DType.F32, new Shape(outFeatures)) : null)];
        })
        {
            Magnitude = magnitude,
        };

    private static IEnumerable<OpCase> MatMulCases()
    {
        yield return MatMulCase([2, 3, 17, 33], [2, 3, 33, 19], false);
        yield return MatMulCase([2, 3, 17, 33], [2, 3, 19, 33], true);
        yield return MatMulCase([4, 9, 63], [63, 5], false);
        yield return MatMulCase([4, 9, 63], [5, 63], true);
        yield return MatMulCase([1, 1], [1, 1], false);
        yield return MatMulCase([130, 257], [257, 65], false);
        yield return MatMulCase([2, 130, 129], [2, 67, 129], true, magnitude: 1e3f);
    }

    private static OpCase MatMulCase(int[] a, int[] b, bool transposeB, float magnitude = 1f) =>
        new($"MatMul(type=f32, a=[{string.Join(", ", a)}], b=[{string.Join(", ", b)}], transposeB={transposeB}{(magnitude != 1f ? $", magnitude={magnitude}" : "")})", OpKind.MatMul, g =>
            [g.MatMul(g.Input("a", DType.F32, new Shape(a)), g.Input("b", DType.F32, new Shape(b)), transposeB)])
        {
            Magnitude = magnitude,
        };

    private static IEnumerable<OpCase> AttentionCases()
    {
        yield return Attn("plain", 1, 2, 5, 7, 16, 16);
        yield return Attn("plain", 2, 3, 33, 33, 64, 64);
        yield return Attn("plain", 1, 2, 40, 150, 128, 128);
        yield return Attn("plain, Dv=40", 1, 2, 35, 70, 64, 40);
        yield return Attn("plain, Dv=20, D=12", 1, 1, 9, 131, 12, 20);
        yield return Attn("plain", 1, 1, 1, 1, 16, 16);
        yield return Attn("bias full", 2, 2, 33, 45, 16, 16, bias: [2, 2, 33, 45]);
        yield return Attn("bias [1, H, 1, Nk]", 2, 3, 20, 140, 64, 64, bias: [1, 3, 1, 140]);
        yield return Attn("bias [B, 1, Nq, Nk]", 2, 3, 20, 30, 64, 64, bias: [2, 1, 20, 30]);
        yield return Attn("GRAG official", 1, 2, 40, 150, 64, 64, grag: [new GragGroup(0, 5), new GragGroup(60, 150)]);
        yield return Attn("GRAG rows", 1, 2, 40, 150, 128, 128, grag: [new GragGroup(60, 150, 10, 37)]);
        yield return Attn("GRAG official + rows", 2, 2, 40, 150, 16, 16, grag: [new GragGroup(0, 5), new GragGroup(60, 150, 3, 40)]);
        yield return Attn("region bias -2.5", 2, 2, 40, 70, 64, 64, region: -2.5f);
        yield return Attn("region bias -inf", 2, 2, 40, 70, 64, 64, region: float.NegativeInfinity);
        yield return Attn("all options", 2, 2, 40, 150, 64, 64, bias: [1, 2, 40, 150], grag: [new GragGroup(0, 5), new GragGroup(60, 150, 3, 40)],
            region: float.NegativeInfinity);
        // Logits of ±100: rounding of s in f32 is ≈ 1e-5 absolute, so probabilities differ at ≈ 1e-5 relative.
        yield return Attn("large magnitude", 1, 2, 33, 140, 64, 64, magnitude: 10f, maxNmse: 1e-6);
        // bf16 activations: both backends round the output to bf16; a rounding flip costs 2⁻⁸ relative on that element.
        yield return Attn("bf16", 1, 2, 17, 40, 64, 64, type: DType.BF16, maxNmse: 1e-5);
        // bf16 at the tensor-core head dims (64, 128) with partial 64-row/64-key tiles and every option: the CUDA flash
        // kernel rounds P to bf16 before P·V (as FlashAttention does), ≈ 2⁻⁹ relative per term, so allow 3e-5.
        const double flash = 3e-5;
        yield return Attn("bf16 tensor-core", 1, 3, 200, 200, 128, 128, type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 tensor-core", 2, 2, 130, 70, 64, 64, type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 tensor-core", 1, 2, 1, 257, 128, 128, type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 bias [1, H, 1, Nk]", 1, 2, 96, 160, 128, 128, bias: [1, 2, 1, 160], type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 bias full", 2, 2, 65, 129, 64, 64, bias: [2, 2, 65, 129], type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 GRAG official", 1, 2, 150, 260, 128, 128, grag: [new GragGroup(0, 7), new GragGroup(130, 260)], type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 GRAG rows", 1, 2, 150, 260, 128, 128, grag: [new GragGroup(130, 260, 7, 130)], type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 region bias -inf", 2, 2, 100, 140, 128, 128, region: float.NegativeInfinity, type: DType.BF16, maxNmse: flash);
        yield return Attn("bf16 all options", 1, 2, 120, 200, 64, 64, bias: [1, 2, 120, 200], grag: [new GragGroup(0, 5), new GragGroup(100, 200, 3, 90)],
            region: -3f, type: DType.BF16, maxNmse: flash);
    }

    private static OpCase Attn(string what, int b, int h, int nq, int nk, int d, int dv, int[]? bias = null, GragGroup[]? grag = null,
        float? region = null, DType type = DType.F32, float magnitude = 1f, double maxNmse = 1e-7) =>
        new($"Attention(type={type.ToString().ToLowerInvariant()}, {what}, q=[{b}, {h}, {nq}, {d}], k=[{b}, {h}, {nk}, {d}], dv={dv})", OpKind.Attention, g =>
        {
            var q = g.Input("q", type, new Shape(b, h, nq, d));
            var k = g.Input("k", type, new Shape(b, h, nk, d));
            var v = g.Input("v", type, new Shape(b, h, nk, dv));
            var biasNode = bias is null ? null : g.Input("bias", DType.F32, new Shape(bias));
            var scales = grag is null ? null : g.Input("grag_scales", DType.F32, new Shape(grag.Length, 2));
            var rows = region is null ? null : g.Input("region_rows", DType.F32, new Shape(b, nq));
            var cols = region is null ? null : g.Input("region_cols", DType.F32, new Shape(nk));
            var att = g.Attention(q, k, v, 1f / MathF.Sqrt(d), biasNode, grag, scales, region, rows, cols);
            return [att, g.Aux(att)];
        })
        {
            Magnitude = magnitude,
            MaxNmse = maxNmse,
            Fill = (name, shape, rng) => name switch
            {
                "grag_scales" => Enumerable.Range(0, (int)shape.ElementCount).Select(e => e < 2 ? 1f : e % 2 == 0 ? 0.9f : 1.3f).ToArray(),
                "region_rows" => Enumerable.Range(0, (int)shape.ElementCount).Select(e => e % 3 == 0 ? 1f : 0f).ToArray(),
                "region_cols" => Enumerable.Range(0, (int)shape.ElementCount).Select(e => e < 8 || e % 5 == 0 ? 1f : 0f).ToArray(),
                _ => null,
            },
        };

    private static IEnumerable<OpCase> CaptureCases()
    {
        yield return Capture("plain", 2, 3, 30, 50, 64, new AttentionCaptureParams(0.125f, 3, 27, 10, 43), accumulate: false);
        yield return Capture("plain + acc", 1, 2, 30, 50, 16, new AttentionCaptureParams(0.25f, 0, 30, 0, 50), accumulate: true);
        yield return Capture("pooled 4x6", 2, 3, 30, 40, 64, new AttentionCaptureParams(0.125f, 4, 28, 12, 36, true, 4, 6), accumulate: false);
        yield return Capture("pooled 6x4 + acc", 1, 2, 26, 30, 128, new AttentionCaptureParams(0.088f, 2, 26, 3, 27, true, 6, 4), accumulate: true);
    }

    private static OpCase Capture(string what, int b, int h, int nq, int nk, int d, AttentionCaptureParams p, bool accumulate) =>
        new($"AttentionCapture(type=f32, {what}, q=[{b}, {h}, {nq}, {d}], nk={nk}, rows=[{p.RowStart}, {p.RowEnd}), cols=[{p.ColStart}, {p.ColEnd}))",
            OpKind.AttentionCapture, g =>
        {
            var q = g.Input("q", DType.F32, new Shape(b, h, nq, d));
            var k = g.Input("k", DType.F32, new Shape(b, h, nk, d));
            var v = g.Input("v", DType.F32, new Shape(b, h, nk, d));
            var att = g.Attention(q, k, v, p.Scale);
            int rows = (p.RowEnd - p.RowStart) / (p.Pool2x2 ? 4 : 1), cols = (p.ColEnd - p.ColStart) / (p.Pool2x2 ? 4 : 1);
            var acc = accumulate ? g.Input("acc", DType.F32, new Shape(b, rows, cols)) : null;
            return [g.AttentionCapture(q, k, g.Aux(att), g.Input("weight", DType.F32, new Shape(1)), acc, p)];
        })
        {
            Fill = (name, shape, rng) => name == "weight" ? [0.5f] : null,
        };
}
