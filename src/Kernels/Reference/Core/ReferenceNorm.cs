namespace Locus.Kernels.Reference.Core;

/// <summary>Normalisation and softmax kernels over dense row-major spans, statistics accumulated in double.</summary>
public static class ReferenceNorm
{
    /// <summary>
    /// LayerNorm of each of <paramref name="rows"/> rows of <paramref name="cols"/>: (x − mean)/√(var + ε), biased variance,
    /// then ·weight[c] + bias[c] when both are non-empty.
    /// </summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int cols, float epsilon, Span<float> dst)
    {
        bool affine = !weight.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            double mean = 0;
            foreach (float v in row)
            {
                mean += v;
            }
            mean /= cols;
            double var = 0;
            foreach (float v in row)
            {
                var += (v - mean) * (v - mean);
            }
            var /= cols;
            double inv = 1.0 / Math.Sqrt(var + epsilon);
            for (int c = 0; c < cols; c++)
            {
                double y = (row[c] - mean) * inv;
                dst[r * cols + c] = (float)(affine ? y * weight[c] + bias[c] : y);
            }
        }
    }

    /// <summary>RMSNorm of each row: x·(mean(x²) + ε)^(−½)·weight[c].</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, int rows, int cols, float epsilon, Span<float> dst)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            double ss = 0;
            foreach (float v in row)
            {
                ss += (double)v * v;
            }
            double inv = 1.0 / Math.Sqrt(ss / cols + epsilon);
            for (int c = 0; c < cols; c++)
            {
                dst[r * cols + c] = (float)(row[c] * inv * weight[c]);
            }
        }
    }

    /// <summary>
    /// GroupNorm of x [B, C, H·W]: each group of C/G channels × H·W values is normalised with its mean and biased
    /// variance, then ·weight[c] + bias[c].
    /// </summary>
    /// <exception cref="ArgumentException">C is not a multiple of <paramref name="groups"/>.</exception>
    public static void GroupNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int batch, int channels, int spatial, int groups, float epsilon, Span<float> dst)
    {
        if (groups <= 0 || channels % groups != 0)
        {
            throw new ArgumentException($"{channels} channels do not split into {groups} groups", nameof(groups));
        }
        int cg = channels / groups;
        int size = cg * spatial;
        for (int b = 0; b < batch; b++)
        {
            for (int g = 0; g < groups; g++)
            {
                int start = (b * channels + g * cg) * spatial;
                var block = x.Slice(start, size);
                double mean = 0;
                foreach (float v in block)
                {
                    mean += v;
                }
                mean /= size;
                double var = 0;
                foreach (float v in block)
                {
                    var += (v - mean) * (v - mean);
                }
                var /= size;
                double inv = 1.0 / Math.Sqrt(var + epsilon);
                for (int i = 0; i < size; i++)
                {
                    int c = g * cg + i / spatial;
                    dst[start + i] = (float)((block[i] - mean) * inv * weight[c] + bias[c]);
                }
            }
        }
    }

    /// <summary>Softmax of each row: e^(x − max)/Σ e^(x − max). A row of all −∞ gives NaN (0/0), as in PyTorch.</summary>
    public static void Softmax(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst)
    {
        var e = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            double max = double.NegativeInfinity;
            foreach (float v in row)
            {
                max = Math.Max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++)
            {
                e[c] = Math.Exp(row[c] - max);
                sum += e[c];
            }
            for (int c = 0; c < cols; c++)
            {
                dst[r * cols + c] = (float)(e[c] / sum);
            }
        }
    }
}
