namespace Locus.Models.Tests.Adapters;

/// <summary>The adapter's formulas evaluated in double on the host (row-major [rows, cols] arrays), as an independent oracle.</summary>
internal sealed class HostOracle(Dictionary<string, float[]> w)
{
    public double[] W(string name) => w[name].Select(v => (double)v).ToArray();

    /// <summary>y = x·Wᵀ + b; x [n, in] → [n, out].</summary>
    public double[] Linear(string prefix, double[] x, int n, int inF, int outF)
    {
        var wt = W(prefix + ".weight");
        var b = W(prefix + ".bias");
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < outF; o++)
            {
                double s = b[o];
                for (int k = 0; k < inF; k++)
                {
                    s += x[(i * inF) + k] * wt[(o * inF) + k];
                }
                y[(i * outF) + o] = s;
            }
        }
        return y;
    }

    public double[] Norm(string prefix, double[] x, int n, int c)
    {
        var wt = W(prefix + ".weight");
        var b = W(prefix + ".bias");
        var y = new double[n * c];
        for (int i = 0; i < n; i++)
        {
            double mean = 0, var = 0;
            for (int k = 0; k < c; k++)
            {
                mean += x[(i * c) + k];
            }
            mean /= c;
            for (int k = 0; k < c; k++)
            {
                var += Math.Pow(x[(i * c) + k] - mean, 2);
            }
            var /= c;
            for (int k = 0; k < c; k++)
            {
                y[(i * c) + k] = ((x[(i * c) + k] - mean) / Math.Sqrt(var + 1e-5) * wt[k]) + b[k];
            }
        }
        return y;
    }

    /// <summary>Multi-head attention with to_q/to_k/to_v/to_out; q [nq, d], kv [nk, d] → [nq, d].</summary>
    public double[] Attention(string prefix, double[] q, int nq, double[] kv, int nk, int d, int heads)
    {
        var qp = Linear(prefix + ".to_q", q, nq, d, d);
        var kp = Linear(prefix + ".to_k", kv, nk, d, d);
        var vp = Linear(prefix + ".to_v", kv, nk, d, d);
        int dh = d / heads;
        var o = new double[nq * d];
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < nq; i++)
            {
                var s = new double[nk];
                for (int j = 0; j < nk; j++)
                {
                    for (int k = 0; k < dh; k++)
                    {
                        s[j] += qp[(i * d) + (h * dh) + k] * kp[(j * d) + (h * dh) + k];
                    }
                    s[j] /= Math.Sqrt(dh);
                }
                double max = s.Max(), sum = s.Sum(v => Math.Exp(v - max));
                for (int j = 0; j < nk; j++)
                {
                    double p = Math.Exp(s[j] - max) / sum;
                    for (int k = 0; k < dh; k++)
                    {
                        o[(i * d) + (h * dh) + k] += p * vp[(j * d) + (h * dh) + k];
                    }
                }
            }
        }
        return Linear(prefix + ".to_out", o, nq, d, d);
    }

    public double[] FeedForward(string prefix, double[] x, int n, int d, int hidden)
    {
        var h = Linear(prefix + ".fc1", x, n, d, hidden).Select(Gelu).ToArray();
        return Linear(prefix + ".fc2", h, n, hidden, d);
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x))));

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double Silu(double x) => x * Sigmoid(x);

    public static double[] Add(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    /// <summary>Gate per token from M̄ [n]: σ(fc2(SiLU(fc1(M̄·e + (1 − M̄)·k)))).</summary>
    public double[] Gate(string prefix, double[] mask, int dg)
    {
        var e = W(prefix + ".edit");
        var k = W(prefix + ".keep");
        int n = mask.Length;
        var x = new double[n * dg];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < dg; c++)
            {
                x[(i * dg) + c] = (mask[i] * e[c]) + ((1 - mask[i]) * k[c]);
            }
        }
        var h = Linear(prefix + ".mlp.fc1", x, n, dg, dg).Select(Silu).ToArray();
        return Linear(prefix + ".mlp.fc2", h, n, dg, 1).Select(Sigmoid).ToArray();
    }
}
