using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Matrix;

namespace Locus.Kernels.Reference;

public static partial class ReferenceMatrixKernels
{
    /// <summary>
    /// Naive attention in double: s = scale·q·k'ᵀ (k' = keys after the official GRAG groups, applied in order, each μ taken
    /// from the current keys), then the row-restricted groups' exact logit form s' = δ·s + (λ − δ)·scale·q·μ (in order),
    /// then + bias, then + region bias; out = softmax(s)·v, lse = ln Σ e^s. A row with no finite logit throws.
    /// </summary>
    private static void Attention(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // q [B, H, Nq, D], k [B, H, Nk, D], v [B, H, Nk, Dv] → out [B, H, Nq, Dv], lse [B, H, Nq]
        var o = AttentionInputs.Read(node, sources);
        float[] q = HostMemory.ReadFloats(sources[0]);
        float[] k = HostMemory.ReadFloats(sources[1]);
        float[] v = HostMemory.ReadFloats(sources[2]);
        int d = o.D, dv = o.Dv, nq = o.Nq, nk = o.Nk;
        var result = new float[(long)o.B * o.H * nq * dv];
        var lse = new float[(long)o.B * o.H * nq];
        var kk = new double[(long)nk * d];
        var mus = new double[o.Groups.Length][];
        var s = new double[nk];
        for (int b = 0; b < o.B; b++)
        {
            for (int h = 0; h < o.H; h++)
            {
                long bh = (long)b * o.H + h;
                for (long e = 0; e < kk.LongLength; e++)
                {
                    kk[e] = k[bh * nk * d + e];
                }
                for (int g = 0; g < o.Groups.Length; g++)
                {
                    if (o.Groups[g].AllRows)
                    {
                        double[] mu = GroupMean(kk, d, o.Groups[g]);
                        for (int j = o.Groups[g].KeyStart; j < o.Groups[g].KeyEnd; j++)
                        {
                            for (int c = 0; c < d; c++)
                            {
                                kk[(long)j * d + c] = o.Lambda[g] * mu[c] + o.Delta[g] * (kk[(long)j * d + c] - mu[c]);
                            }
                        }
                    }
                }
                for (int g = 0; g < o.Groups.Length; g++)
                {
                    mus[g] = GroupMean(kk, d, o.Groups[g]);
                }
                for (int i = 0; i < nq; i++)
                {
                    long qRow = (bh * nq + i) * d;
                    for (int j = 0; j < nk; j++)
                    {
                        double dot = 0;
                        for (int c = 0; c < d; c++)
                        {
                            dot += q[qRow + c] * kk[(long)j * d + c];
                        }
                        s[j] = o.Scale * dot;
                    }
                    for (int g = 0; g < o.Groups.Length; g++)
                    {
                        if (o.GroupHasRow(g, i))
                        {
                            double m = 0;
                            for (int c = 0; c < d; c++)
                            {
                                m += q[qRow + c] * mus[g][c];
                            }
                            m *= o.Scale;
                            for (int j = o.Groups[g].KeyStart; j < o.Groups[g].KeyEnd; j++)
                            {
                                s[j] = o.Delta[g] * s[j] + (o.Lambda[g] - (double)o.Delta[g]) * m;
                            }
                        }
                    }
                    AddBiases(o, b, h, i, s);
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < nk; j++)
                    {
                        max = Math.Max(max, s[j]);
                    }
                    if (double.IsNegativeInfinity(max))
                    {
                        throw o.NoFiniteLogit(b, h, i);
                    }
                    double sum = 0;
                    for (int j = 0; j < nk; j++)
                    {
                        s[j] = Math.Exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int c = 0; c < dv; c++)
                    {
                        double acc = 0;
                        for (int j = 0; j < nk; j++)
                        {
                            acc += s[j] * v[(bh * nk + j) * dv + c];
                        }
                        result[(bh * nq + i) * dv + c] = (float)(acc / sum);
                    }
                    lse[bh * nq + i] = (float)(max + Math.Log(sum));
                }
            }
        }
        HostMemory.WriteFloats(output, result);
        if (aux is BoundTensor lseOut)
        {
            HostMemory.WriteFloats(lseOut, lse);
        }
    }

    private static void AddBiases(AttentionInputs o, int b, int h, int i, double[] s)
    {
        if (o.Bias is float[] bias)
        {
            long row = o.BiasRow(b, h, i);
            for (int j = 0; j < s.Length; j++)
            {
                s[j] += bias[row + j];
            }
        }
        if (o.RegionBias is float region && o.RegionRow(b, i))
        {
            for (int j = 0; j < s.Length; j++)
            {
                if (o.ColMask![j] != 0f)
                {
                    s[j] += region;
                }
            }
        }
    }

    private static double[] GroupMean(double[] kk, int d, GragGroup group)
    {
        var mu = new double[d];
        for (int j = group.KeyStart; j < group.KeyEnd; j++)
        {
            for (int c = 0; c < d; c++)
            {
                mu[c] += kk[(long)j * d + c];
            }
        }
        for (int c = 0; c < d; c++)
        {
            mu[c] /= group.KeyEnd - group.KeyStart;
        }
        return mu;
    }
}
