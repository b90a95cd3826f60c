using System.Runtime.InteropServices;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Kernels.Cpu;

public static partial class CpuMatrixKernels
{
    /// <summary>y = x·Wᵀ + b on <see cref="Sgemm"/>; bf16/f16 weights are widened panel by panel while packing.</summary>
    private static void Linear(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // x [rows, in], W [out, in], b [out] → y [rows, out]
        var x = sources[0];
        var w = sources[1];
        int outF = w.Shape[0], inF = w.Shape[1];
        int rows = checked((int)output.Shape.RowCount);
        float[]? xCopy = x.DType == DType.F32 ? null : HostMemory.ReadFloats(x);
        ReadOnlySpan<float> xs = xCopy ?? HostMemory.Dense<float>(x);
        float[]? yTemp = output.DType == DType.F32 ? null : new float[(long)rows * outF];
        Span<float> y = yTemp ?? HostMemory.Dense<float>(output);
        int ldx = Math.Max(1, inF);
        if (!w.Layout.IsContiguous && (w.Layout.Strides[1] != 1 || w.Layout.Strides[0] < inF))
        {
            // A weight view without unit inner stride: widen it (rare; graph weights are dense).
            Sgemm.Multiply(rows, outF, inF, xs, ldx, HostMemory.ReadFloats(w), ldx, true, y, Math.Max(1, outF));
        }
        else
        {
            int ldw = w.Layout.IsContiguous ? ldx : checked((int)w.Layout.Strides[0]);
            int offset = checked((int)w.Layout.Offset);
            switch (w.DType)
            {
                case DType.F32:
                    Sgemm.Multiply(rows, outF, inF, xs, ldx, HostMemory.Storage<float>(w)[offset..], ldw, true, y, Math.Max(1, outF));
                    break;
                case DType.BF16:
                    Sgemm.MultiplyWeights(rows, outF, inF, xs, ldx, HostMemory.Storage<BFloat16>(w)[offset..], ldw, y, Math.Max(1, outF));
                    break;
                case DType.F16:
                    Sgemm.MultiplyWeights(rows, outF, inF, xs, ldx, HostMemory.Storage<Half>(w)[offset..], ldw, y, Math.Max(1, outF));
                    break;
                default:
                    throw new NotSupportedException($"Linear '{node.Name}': weight dtype {w.DType} is not a float type");
            }
        }
        if (sources.Length > 2)
        {
            float[] bias = HostMemory.ReadFloats(sources[2]);
            for (int r = 0; r < rows; r++)
            {
                var row = y.Slice(r * outF, outF);
                for (int o = 0; o < outF; o++)
                {
                    row[o] += bias[o];
                }
            }
        }
        if (yTemp is not null)
        {
            HostMemory.WriteFloats(output, yTemp);
        }
    }

    /// <summary>Batched a·b (or a·bᵀ) on <see cref="Sgemm"/>; small batches run in parallel, large ones parallelise inside.</summary>
    private static unsafe void MatMul(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        // a [..., M, K], b [..., K, N] | [..., N, K] | [K, N] → c [..., M, N]
        bool transposeB = node.ParamsAs<MatMulParams>().TransposeB;
        int m = sources[0].Shape[-2], k = sources[0].Shape[-1], n = output.Shape[-1];
        bool shared = sources[1].Shape.Rank == 2;
        long batches = output.Shape.ElementCount / Math.Max(1L, (long)m * n);
        bool f32 = sources[0].DType == DType.F32;
        float[] aArr = f32 ? [] : HostMemory.ReadFloats(sources[0]);
        float[] bArr = f32 ? [] : HostMemory.ReadFloats(sources[1]);
        float[]? cTemp = output.DType == DType.F32 ? null : new float[output.Shape.ElementCount];
        Span<float> aSpan = f32 ? HostMemory.Dense<float>(sources[0]) : aArr;
        Span<float> bSpan = f32 ? HostMemory.Dense<float>(sources[1]) : bArr;
        Span<float> cSpan = cTemp ?? HostMemory.Dense<float>(output);
        // SAFETY: the three spans are pinned for the whole call; each batch slice lies inside its span.
        fixed (float* pa = aSpan, pb = bSpan, pc = cSpan)
        {
            nint an = (nint)pa, bn = (nint)pb, cn = (nint)pc;
            long aStep = (long)m * k, bStep = shared ? 0 : (long)k * n, cStep = (long)m * n;
            void One(long z) => Sgemm.Multiply(m, n, k,
                new ReadOnlySpan<float>((float*)an + z * aStep, (int)aStep), Math.Max(1, k),
                new ReadOnlySpan<float>((float*)bn + z * bStep, k * n), Math.Max(1, transposeB ? k : n), transposeB,
                new Span<float>((float*)cn + z * cStep, (int)cStep), Math.Max(1, n));
            if (batches > 1 && 2L * m * n * k < (1L << 22))
            {
                Parallel.For(0L, batches, new ParallelOptions { MaxDegreeOfParallelism = Sgemm.MaxThreads }, One);
            }
            else
            {
                for (long z = 0; z < batches; z++)
                {
                    One(z);
                }
            }
        }
        if (cTemp is not null)
        {
            HostMemory.WriteFloats(output, cTemp);
        }
    }
}
