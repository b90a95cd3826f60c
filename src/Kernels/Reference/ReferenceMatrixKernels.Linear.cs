using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;

namespace Locus.Kernels.Reference;

public static partial class ReferenceMatrixKernels
{
    /// <summary>y[r, o] = Σ_i x[r, i]·W[o, i] + b[o], triple loop in double.</summary>
    private static void Linear(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // x [rows, in], W [out, in], b [out] → y [rows, out]
        float[] x = HostMemory.ReadFloats(sources[0]);
        float[] w = HostMemory.ReadFloats(sources[1]);
        float[]? bias = sources.Length > 2 ? HostMemory.ReadFloats(sources[2]) : null;
        int outF = sources[1].Shape[0], inF = sources[1].Shape[1];
        int rows = checked((int)output.Shape.RowCount);
        var y = new float[(long)rows * outF];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outF; o++)
            {
                double acc = bias is null ? 0 : bias[o];
                for (int i = 0; i < inF; i++)
                {
                    acc += (double)x[(long)r * inF + i] * w[(long)o * inF + i];
                }
                y[(long)r * outF + o] = (float)acc;
            }
        }
        HostMemory.WriteFloats(output, y);
    }

    /// <summary>c[z, i, j] = Σ_p a[z, i, p]·b[z, p, j] (or b[z, j, p] when transposed; b shared when rank 2), in double.</summary>
    private static void MatMul(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // a [..., M, K], b [..., K, N] | [..., N, K] | [K, N] → c [..., M, N]
        bool transposeB = node.ParamsAs<MatMulParams>().TransposeB;
        float[] a = HostMemory.ReadFloats(sources[0]);
        float[] b = HostMemory.ReadFloats(sources[1]);
        int m = sources[0].Shape[-2], k = sources[0].Shape[-1];
        int n = output.Shape[-1];
        long batches = output.Shape.ElementCount / Math.Max(1L, (long)m * n);
        bool shared = sources[1].Shape.Rank == 2;
        var c = new float[output.Shape.ElementCount];
        for (long z = 0; z < batches; z++)
        {
            long aBase = z * m * k, bBase = shared ? 0 : z * k * n, cBase = z * m * n;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double acc = 0;
                    for (int p = 0; p < k; p++)
                    {
                        float bv = transposeB ? b[bBase + (long)j * k + p] : b[bBase + (long)p * n + j];
                        acc += (double)a[aBase + (long)i * k + p] * bv;
                    }
                    c[cBase + (long)i * n + j] = (float)acc;
                }
            }
        }
        HostMemory.WriteFloats(output, c);
    }
}
