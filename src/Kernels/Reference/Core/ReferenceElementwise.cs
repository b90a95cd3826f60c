using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Reference.Core;

/// <summary>Scalar elementwise kernels on dense row-major float spans, evaluated in double and rounded once.</summary>
public static class ReferenceElementwise
{
    /// <summary>
    /// dst = a ∘ b (∘ = +, −, ⊙ for <see cref="OpKind.Add"/>, <see cref="OpKind.Sub"/>, <see cref="OpKind.Mul"/>) with
    /// numpy broadcasting: <paramref name="a"/> is dense of <paramref name="aShape"/>, <paramref name="b"/> of
    /// <paramref name="bShape"/>, <paramref name="dst"/> of <paramref name="outShape"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The op is not binary or the shapes do not broadcast to <paramref name="outShape"/>.</exception>
    public static void Binary(OpKind op, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Shape outShape, Span<float> dst)
    {
        if (op is not (OpKind.Add or OpKind.Sub or OpKind.Mul))
        {
            throw new ArgumentException($"{op} is not a binary elementwise op", nameof(op));
        }
        if (GraphBuilder.BroadcastShape(aShape, bShape) != outShape)
        {
            throw new ArgumentException($"shapes {aShape} and {bShape} do not broadcast to {outShape}", nameof(outShape));
        }
        long[] aStrides = BroadcastStrides(aShape, outShape);
        long[] bStrides = BroadcastStrides(bShape, outShape);
        int rank = outShape.Rank;
        var index = new int[rank];
        long count = outShape.ElementCount;
        for (long e = 0; e < count; e++)
        {
            long rem = e, ia = 0, ib = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                int i = (int)(rem % outShape[d]);
                rem /= outShape[d];
                ia += i * aStrides[d];
                ib += i * bStrides[d];
            }
            double x = a[(int)ia], y = b[(int)ib];
            dst[(int)e] = (float)(op switch
            {
                OpKind.Add => x + y,
                OpKind.Sub => x - y,
                _ => x * y,
            });
        }
    }

    /// <summary>Element strides of a dense <paramref name="shape"/> seen through <paramref name="outShape"/> (0 on broadcast dims).</summary>
    public static long[] BroadcastStrides(Shape shape, Shape outShape)
    {
        int rank = outShape.Rank, lead = rank - shape.Rank;
        var strides = new long[rank];
        long s = 1;
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            strides[d + lead] = shape[d] == 1 ? 0 : s;
            s *= shape[d];
        }
        return strides;
    }

    /// <summary>dst = x·scale + bias.</summary>
    public static void Scale(ReadOnlySpan<float> x, float scale, float bias, Span<float> dst)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = (float)((double)x[i] * scale + bias);
        }
    }

    /// <summary>dst = x·σ(x) = x / (1 + e^(−x)).</summary>
    public static void Silu(ReadOnlySpan<float> x, Span<float> dst)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            dst[i] = (float)(v / (1.0 + Math.Exp(-v)));
        }
    }

    /// <summary>dst = σ(x) = 1 / (1 + e^(−x)) in double.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> dst)
    {
        for (int i = 0; i < x.Length; i++)
        {
            dst[i] = (float)(1.0 / (1.0 + Math.Exp(-(double)x[i])));
        }
    }

    /// <summary>GELU: approximate 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); exact 0.5·x·(1 + erf(x/√2)).</summary>
    public static void Gelu(ReadOnlySpan<float> x, bool approximate, Span<float> dst)
    {
        double k = Math.Sqrt(2.0 / Math.PI);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double g = approximate
                ? 0.5 * v * (1.0 + Math.Tanh(k * (v + 0.044715 * v * v * v)))
                : 0.5 * v * (1.0 + ReferenceMath.Erf(v / Math.Sqrt(2.0)));
            dst[i] = (float)g;
        }
    }

    /// <summary>AdaLN modulation: dst[b, n, c] = x[b, n, c]·(1 + scale[b, c]) + shift[b, c] for x [B, N, C].</summary>
    public static void Modulate(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, int batch, int tokens, int channels, Span<float> dst)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < tokens; n++)
            {
                int row = (b * tokens + n) * channels;
                for (int c = 0; c < channels; c++)
                {
                    dst[row + c] = (float)((double)x[row + c] * (1.0 + scale[b * channels + c]) + shift[b * channels + c]);
                }
            }
        }
    }

    /// <summary>
    /// Gated residual dst = h0 + g ⊙ y for h0, y [B, N, C]; g is per channel [B, C] when
    /// <paramref name="perToken"/> is false, else per token [B, N, 1].
    /// </summary>
    public static void GatedResidual(ReadOnlySpan<float> h0, ReadOnlySpan<float> gate, ReadOnlySpan<float> y, int batch, int tokens, int channels, bool perToken, Span<float> dst)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < tokens; n++)
            {
                int row = (b * tokens + n) * channels;
                for (int c = 0; c < channels; c++)
                {
                    double g = perToken ? gate[b * tokens + n] : gate[b * channels + c];
                    dst[row + c] = (float)(h0[row + c] + g * y[row + c]);
                }
            }
        }
    }
}
