namespace Locus.Models.Tests.Attention;

/// <summary>Host float64 oracles for the capture maps (README formulas of tests/fixtures/attention) and the README's plain Lloyd loop.</summary>
internal static class AttentionOracle
{
    /// <summary>
    /// Maps of batch item <paramref name="b"/> from q, k [B, H, N, D] and an additive key bias [N] (0 or −∞):
    /// joint tgt×txt, text-only tgt×txt, joint tgt×tgt (row-major) and lse [H, N].
    /// </summary>
    public static (double[] JointText, double[] TextOnly, double[] TargetTarget, double[] Lse) Maps(
        float[] q, float[] k, int heads, int n, int d, int b, int ntxt, int ntgt, float[] keyBias)
    {
        double scale = 1.0 / Math.Sqrt(d);
        var jt = new double[ntgt * ntxt];
        var to = new double[ntgt * ntxt];
        var tt = new double[ntgt * ntgt];
        var lse = new double[heads * n];
        var l = new double[n];
        for (int h = 0; h < heads; h++)
        {
            long bh = ((long)b * heads) + h;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double dot = 0;
                    for (int e = 0; e < d; e++)
                    {
                        dot += (double)q[((bh * n) + i) * d + e] * k[((bh * n) + j) * d + e];
                    }
                    l[j] = (dot * scale) + keyBias[j];
                }
                double all = LogSumExp(l, 0, n);
                lse[(h * n) + i] = all;
                int a = i - ntxt;
                if (a < 0 || a >= ntgt)
                {
                    continue;
                }
                double text = LogSumExp(l, 0, ntxt);
                for (int t = 0; t < ntxt; t++)
                {
                    jt[(a * ntxt) + t] += Math.Exp(l[t] - all) / heads;
                    to[(a * ntxt) + t] += Math.Exp(l[t] - text) / heads;
                }
                for (int c = 0; c < ntgt; c++)
                {
                    tt[(a * ntgt) + c] += Math.Exp(l[ntxt + c] - all) / heads;
                }
            }
        }
        return (jt, to, tt, lse);
    }

    /// <summary>max|a − b| / max|b|.</summary>
    public static double RelError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        double diff = 0, max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs(actual[i] - expected[i]);
            diff = double.IsNaN(e) ? double.PositiveInfinity : Math.Max(diff, e);
            max = Math.Max(max, Math.Abs(expected[i]));
        }
        return diff / Math.Max(max, 1e-300);
    }

    /// <summary>The README's k-means: init rows, ≤ 10 rounds, ties → lowest cluster, empty cluster keeps its centroid, stop when labels repeat.</summary>
    public static (int[] Labels, double[] Centroids, int Iterations) Lloyd(float[] x, int n, int[] initRows)
    {
        int k = initRows.Length;
        var c = new double[k * n];
        for (int j = 0; j < k; j++)
        {
            for (int e = 0; e < n; e++)
            {
                c[(j * n) + e] = x[(initRows[j] * n) + e];
            }
        }
        int[] labels = new int[n], previous = new int[n];
        int it = 0;
        for (it = 1; it <= 10; it++)
        {
            for (int i = 0; i < n; i++)
            {
                double best = double.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    double s = 0;
                    for (int e = 0; e < n; e++)
                    {
                        double v = x[(i * n) + e] - c[(j * n) + e];
                        s += v * v;
                    }
                    if (s < best)
                    {
                        best = s;
                        labels[i] = j;
                    }
                }
            }
            for (int j = 0; j < k; j++)
            {
                int count = labels.Count(v => v == j);
                if (count == 0)
                {
                    continue;
                }
                for (int e = 0; e < n; e++)
                {
                    double s = 0;
                    for (int i = 0; i < n; i++)
                    {
                        s += labels[i] == j ? x[(i * n) + e] : 0;
                    }
                    c[(j * n) + e] = s / count;
                }
            }
            if (it > 1 && labels.SequenceEqual(previous))
            {
                break;
            }
            Array.Copy(labels, previous, n);
        }
        return (labels, c, Math.Min(it, 10));
    }

    private static double LogSumExp(double[] l, int start, int end)
    {
        double max = double.NegativeInfinity;
        for (int j = start; j < end; j++)
        {
            max = Math.Max(max, l[j]);
        }
        double s = 0;
        for (int j = start; j < end; j++)
        {
            s += Math.Exp(l[j] - max);
        }
        return max + Math.Log(s);
    }
}
