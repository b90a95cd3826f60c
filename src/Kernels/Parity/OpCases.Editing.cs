using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

public static partial class OpCases
{
    /// <summary>Cases of the Editing op family.</summary>
    private static IEnumerable<OpCase> EditingCases() =>
    [
        .. FlowBlendCases(),
        .. KMeansCases(),
        .. ResizeCases(),
        .. MaskCases(),
        .. SelectionCases(),
    ];

    private static IEnumerable<OpCase> FlowBlendCases()
    {
        // Fractional masks: σ and m in (0, 1) mix all three inputs.
        foreach (var (shape, sigma, mag) in new[]
        {
            (new Shape(1, 7, 5), 0.37f, 1f), (new Shape(2, 9, 64), 0.8f, 1f), (new Shape(1, 1, 1), 0.5f, 1f),
            (new Shape(1, 1000, 64), 0.25f, 1f), (new Shape(2, 5, 19), 0.6f, 1e3f),
        })
        {
            yield return FlowBlendCase(DType.F32, shape, sigma, binary: false, mag);
        }
        // Binary mask at σ = 0: every output is x or x0 exactly, on any backend.
        yield return FlowBlendCase(DType.F32, new Shape(2, 33, 24), 0f, binary: true, 1f);
        // bf16 storage: both sides round the f32/f64 result to bf16, so one-ulp flips (≈ 4e-3 relative) are allowed.
        yield return FlowBlendCase(DType.BF16, new Shape(2, 9, 16), 0.3f, binary: false, 1f);
    }

    private static OpCase FlowBlendCase(DType t, Shape shape, float sigma, bool binary, float magnitude) =>
        new($"FlowBlend(type={Name(t)}, shape={shape}, sigma={sigma}, mask={(binary ? "binary" : "fractional")}, mag={magnitude})", OpKind.FlowBlend, g =>
        [
            g.FlowBlend(g.Input("x", t, shape), g.Input("x0", t, shape), g.Input("noise", t, shape),
                g.Input("mask", t, new Shape(shape[0], shape[1], 1)), g.Input("sigma", DType.F32, new Shape(1))),
        ])
        {
            Magnitude = magnitude,
            Exact = binary && sigma == 0,
            MaxNmse = t == DType.F32 ? 1e-7 : 1e-5,
            Fill = (name, s, rng) => name switch
            {
                "sigma" => [sigma],
                "mask" => Enumerable.Range(0, (int)s.ElementCount).Select(_ => binary ? rng.Next(2) : (float)rng.NextDouble()).ToArray(),
                _ => null,
            },
        };

    private static IEnumerable<OpCase> KMeansCases()
    {
        // Well-separated blobs (centre spread ≫ noise), so float summation order cannot flip a label.
        foreach (var (n, d, k, iterations, magnitude) in new[]
        {
            (40, 7, 3, 10, 1f), (64, 33, 5, 20, 1f), (1, 1, 1, 3, 1f), (300, 130, 8, 20, 1f), (50, 16, 4, 0, 1f), (60, 9, 3, 10, 1e3f), (400, 40, 20, 15, 1f),
        })
        {
            var fill = BlobFill(k, magnitude);
            yield return KMeansCase(n, d, k, iterations, "blobs", fill, magnitude, labels: true);
            yield return KMeansCase(n, d, k, iterations, "blobs", fill, magnitude, labels: false);
        }
        // Integer points with duplicates: k-means++ runs out of distinct points (T = 0) and an empty cluster takes a
        // point; all distances are exact in f32, so the relocation is identical on every backend.
        var dup = (Func<string, Shape, Random, float[]?>)((_, s, rng) => Enumerable.Range(0, (int)s.ElementCount).Select(i => (float)((i / s[1]) % 2 * 2)).ToArray());
        yield return KMeansCase(6, 3, 3, 5, "duplicates", dup, 1f, labels: true);
        yield return KMeansCase(6, 3, 3, 5, "duplicates", dup, 1f, labels: false);
    }

    private static Func<string, Shape, Random, float[]?> BlobFill(int k, float magnitude) => (_, s, rng) =>
    {
        int n = s[0], d = s[1];
        var centres = ParityRunner.Normal(rng, (long)k * d, 10 * magnitude);
        var noise = ParityRunner.Normal(rng, (long)n * d, 0.1f * magnitude);
        var v = new float[(long)n * d];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(k);
            for (int e = 0; e < d; e++)
            {
                v[i * d + e] = centres[c * d + e] + noise[i * d + e];
            }
        }
        return v;
    };

    private static OpCase KMeansCase(int n, int d, int k, int iterations, string data, Func<string, Shape, Random, float[]?> fill, float magnitude, bool labels) =>
        new($"KMeans(out={(labels ? "labels" : "centroids")}, points=[{n}, {d}], k={k}, iterations={iterations}, data={data}, mag={magnitude})", OpKind.KMeans, g =>
        {
            var km = g.KMeans(g.Input("points", DType.F32, new Shape(n, d)), new KMeansParams(k, iterations, Seed: 7));
            return labels ? [km] : [g.Aux(km)];
        })
        {
            Exact = labels,
            Fill = fill,
        };

    private static string Name(DType t) => t.ToString().ToLowerInvariant();

    // N(0, 1) with NaN, +∞ and −∞ planted at fixed positions: both backends must treat them the same way.
    private static float[] WithNonFinite(Shape s, Random rng)
    {
        var v = ParityRunner.Normal(rng, s.ElementCount);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int i = 0; i < v.Length; i += 7)
        {
            v[i] = specials[(i / 7) % 3];
        }
        return v;
    }

    private static float[] Binary(Random rng, long count, double density) =>
        Enumerable.Range(0, (int)count).Select(_ => rng.NextDouble() < density ? 1f : 0f).ToArray();

    private static IEnumerable<OpCase> ResizeCases()
    {
        foreach (var (t, shape, fy, fx, mag) in new[]
        {
            (DType.F32, new Shape(1, 6, 9), 2, 3, 1f), (DType.F32, new Shape(2, 3, 8, 8), 2, 2, 1f), (DType.F32, new Shape(1, 1), 1, 1, 1f),
            (DType.F32, new Shape(5, 64, 64), 4, 4, 1f), (DType.F32, new Shape(3, 10, 15), 5, 3, 1e3f), (DType.BF16, new Shape(2, 8, 6), 2, 2, 1f),
        })
        {
            yield return new OpCase($"AreaDownsample(type={Name(t)}, shape={shape}, factors={fy}x{fx}, mag={mag})", OpKind.AreaDownsample,
                g => [g.AreaDownsample(g.Input("x", t, shape), fy, fx)])
            {
                Magnitude = mag,
                MaxNmse = t == DType.F32 ? 1e-7 : 1e-5,
            };
        }
        foreach (var (t, shape, oh, ow, mag) in new[]
        {
            (DType.F32, new Shape(1, 5, 7), 13, 11, 1f), (DType.F32, new Shape(2, 2, 8, 8), 64, 64, 1f), (DType.F32, new Shape(1, 1), 3, 4, 1f),
            (DType.F32, new Shape(1, 9, 9), 4, 5, 1f), (DType.F32, new Shape(2, 4, 3), 8, 9, 1e3f), (DType.F32, new Shape(3, 16, 16), 16, 16, 1f),
            (DType.BF16, new Shape(1, 4, 4), 7, 7, 1f),
        })
        {
            yield return new OpCase($"BilinearUpsample(type={Name(t)}, shape={shape}, size={oh}x{ow}, mag={mag})", OpKind.BilinearUpsample,
                g => [g.BilinearUpsample(g.Input("x", t, shape), oh, ow)])
            {
                Magnitude = mag,
                MaxNmse = t == DType.F32 ? 1e-7 : 1e-5,
            };
        }
        foreach (var (t, shape, mag) in new[]
        {
            (DType.F32, new Shape(1, 7, 9), 1f), (DType.F32, new Shape(3, 1, 1), 1f), (DType.F32, new Shape(2, 1, 5), 1f),
            (DType.F32, new Shape(4, 64, 64), 1f), (DType.F32, new Shape(2, 6, 5), 1e3f), (DType.BF16, new Shape(2, 5, 7), 1f),
        })
        {
            yield return new OpCase($"GaussianBlur3(type={Name(t)}, shape={shape}, mag={mag})", OpKind.GaussianBlur3, g => [g.GaussianBlur3(g.Input("x", t, shape))])
            {
                Magnitude = mag,
                MaxNmse = t == DType.F32 ? 1e-7 : 1e-5,
            };
        }
        yield return new OpCase("MinMaxNormalize(type=f32, shape=[2, 5, 9], data=nonfinite)", OpKind.MinMaxNormalize,
            g => [g.MinMaxNormalize(g.Input("x", DType.F32, new Shape(2, 5, 9)))])
        {
            Fill = (_, s, rng) => WithNonFinite(s, rng),
        };
        foreach (var (shape, mag, constant) in new[]
        {
            (new Shape(2, 7, 9), 1f, false), (new Shape(1, 1), 1f, false), (new Shape(3, 4, 5), 1f, true), (new Shape(4, 64, 64), 1f, false),
            (new Shape(2, 3, 6, 5), 1e3f, false),
        })
        {
            yield return new OpCase($"MinMaxNormalize(type=f32, shape={shape}, mag={mag}, data={(constant ? "constant" : "normal")})", OpKind.MinMaxNormalize,
                g => [g.MinMaxNormalize(g.Input("x", DType.F32, shape))])
            {
                Magnitude = mag,
                Fill = constant ? (_, s, _) => Enumerable.Repeat(2.5f, (int)s.ElementCount).ToArray() : null,
            };
        }
    }

    private static IEnumerable<OpCase> MaskCases()
    {
        foreach (var (t, shape, value) in new[] { (DType.F32, new Shape(3, 17), 0.25f), (DType.F32, new Shape(1), 0f), (DType.BF16, new Shape(2, 9, 7), -0.5f) })
        {
            yield return new OpCase($"Threshold(type={Name(t)}, shape={shape}, value={value})", OpKind.Threshold, g => [g.Threshold(g.Input("x", t, shape), value)])
            {
                Exact = true,
            };
        }
        yield return new OpCase("Threshold(type=f32, shape=[3, 11], value=0.1, data=nonfinite)", OpKind.Threshold, g => [g.Threshold(g.Input("x", DType.F32, new Shape(3, 11)), 0.1f)])
        {
            Exact = true,
            Fill = (_, s, rng) => WithNonFinite(s, rng),
        };
        foreach (var op in new[] { OpKind.Dilate, OpKind.Erode })
        {
            // Densities are for Dilate; Erode gets 1 − p, so neither saturates to all-set or all-clear.
            foreach (var (shape, radius, elliptical, p) in new[]
            {
                (new Shape(1, 13, 17), 1, false, 0.15), (new Shape(1, 13, 17), 1, true, 0.25), (new Shape(2, 11, 9), 2, true, 0.1),
                (new Shape(2, 11, 9), 3, false, 0.03), (new Shape(1, 5, 6), 0, true, 0.5), (new Shape(2, 19, 23), 5, true, 0.01),
                (new Shape(1, 1), 2, false, 1.0), (new Shape(4, 64, 64), 2, true, 0.05), (new Shape(2, 30, 30), 40, true, 0.002),
                (new Shape(1, 16, 16), 1, true, -1),
            })
            {
                double density = p < 0 ? p : op == OpKind.Dilate ? p : 1 - p;
                string data = density < 0 ? "normal" : $"binary p={density}";
                yield return new OpCase($"{op}(type=f32, shape={shape}, radius={radius}, element={(elliptical ? "ellipse" : "square")}, data={data})", op, g =>
                {
                    var x = g.Input("x", DType.F32, shape);
                    return [op == OpKind.Dilate ? g.Dilate(x, radius, elliptical) : g.Erode(x, radius, elliptical)];
                })
                {
                    Exact = true,
                    Fill = density < 0 ? null : (_, s, rng) => Binary(rng, s.ElementCount, density),
                };
            }
        }
        foreach (var (shape, density) in new[] { (new Shape(3, 13, 17), 0.5), (new Shape(2, 20, 20), 0.3), (new Shape(1, 1), 1.0), (new Shape(2, 6, 7), 0.0), (new Shape(4, 64, 64), 0.55) })
        {
            yield return new OpCase($"LargestComponent(type=f32, shape={shape}, data=binary p={density})", OpKind.LargestComponent,
                g => [g.LargestComponent(g.Input("x", DType.F32, shape))])
            {
                Exact = true,
                Fill = (_, s, rng) => Binary(rng, s.ElementCount, density),
            };
        }
        // Two equal 2×2 squares and a 1-pixel island: the tie goes to the square met first in row-major order.
        yield return new OpCase("LargestComponent(type=f32, shape=[1, 6, 8], data=tie)", OpKind.LargestComponent,
            g => [g.LargestComponent(g.Input("x", DType.F32, new Shape(1, 6, 8)))])
        {
            Exact = true,
            Fill = (_, s, _) =>
            {
                var v = new float[s.ElementCount];
                foreach (int i in new[] { 8 * 3 + 1, 8 * 3 + 2, 8 * 4 + 1, 8 * 4 + 2, 8 * 1 + 5, 8 * 1 + 6, 8 * 2 + 5, 8 * 2 + 6, 0 })
                {
                    v[i] = 1f;
                }
                return v;
            },
        };
    }

    private static IEnumerable<OpCase> SelectionCases()
    {
        // Values quantised to a few levels, so most rows have ties that must resolve to the lower index.
        foreach (var (shape, k, levels) in new[]
        {
            (new Shape(3, 17), 5, 5), (new Shape(4, 9), 1, 3), (new Shape(2, 12), 12, 4), (new Shape(2, 100), 50, 7), (new Shape(1, 1), 1, 0),
            (new Shape(64, 257), 20, 0), (new Shape(2, 3, 40), 33, 6), (new Shape(3, 30), 12, -1), (new Shape(2, 50), 40, -1),
        })
        {
            string data = levels switch { 0 => "continuous", < 0 => "nonfinite", _ => $"{levels} levels" };
            yield return new OpCase($"TopK(type=f32, shape={shape}, k={k}, data={data})", OpKind.TopK, g => [g.TopK(g.Input("x", DType.F32, shape), k)])
            {
                Exact = true,
                Fill = levels switch
                {
                    0 => null,
                    < 0 => (_, s, rng) => WithNonFinite(s, rng),
                    _ => (_, s, rng) => Enumerable.Range(0, (int)s.ElementCount).Select(_ => (float)rng.Next(levels)).ToArray(),
                },
            };
        }
    }
}
