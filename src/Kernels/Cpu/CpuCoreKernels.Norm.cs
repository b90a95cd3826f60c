using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Core;

namespace Locus.Kernels.Cpu;

// Adapters for norms, positions, copies and convolution.
public static unsafe partial class CpuCoreKernels
{
    private static void LayerNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C], optional w, b [C]
        int cols = sh[-1];
        float* x = CpuTensors.Dense(s[0], out var k0);
        float[]? k1 = null, k2 = null;
        float* w = s.Length == 3 ? CpuTensors.Dense(s[1], out k1) : null;
        float* b = s.Length == 3 ? CpuTensors.Dense(s[2], out k2) : null;
        float* d = CpuTensors.Output(output, out var temp);
        CpuNorm.LayerNorm(x, w, b, Rows(sh, cols), cols, node.ParamsAs<LayerNormParams>().Epsilon, d);
        Done(output, temp, k0, k1, k2);
    }

    private static void RmsNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C], w [C] (bf16/f16 weights widened)
        int cols = sh[-1];
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* w = CpuTensors.Dense(s[1], out var k1);
        float* d = CpuTensors.Output(output, out var temp);
        CpuNorm.RmsNorm(x, w, Rows(sh, cols), cols, node.ParamsAs<RmsNormParams>().Epsilon, d);
        Done(output, temp, k0, k1, null);
    }

    private static void GroupNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, C, H, W], w, b [C]
        var p = node.ParamsAs<GroupNormParams>();
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* w = CpuTensors.Dense(s[1], out var k1);
        float* b = CpuTensors.Dense(s[2], out var k2);
        float* d = CpuTensors.Output(output, out var temp);
        CpuNorm.GroupNorm(x, w, b, sh[0], sh[1], sh[2] * sh[3], p.GroupCount, p.Epsilon, d);
        Done(output, temp, k0, k1, k2);
    }

    private static void Softmax(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C]
        int cols = sh[-1];
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* d = CpuTensors.Output(output, out var temp);
        CpuNorm.Softmax(x, Rows(sh, cols), cols, d);
        Done(output, temp, k0, null, null);
    }

    private static void Rope(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, H, N, D], cos/sin F32 [N, D/2]
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* c = CpuTensors.Dense(s[1], out var k1);
        float* sn = CpuTensors.Dense(s[2], out var k2);
        float* d = CpuTensors.Output(output, out var temp);
        CpuPositions.Rope(x, c, sn, (long)sh[0] * sh[1], sh[2], sh[3], d);
        Done(output, temp, k0, k1, k2);
    }

    private static void TimestepEmbedding(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        float* t = CpuTensors.Dense(s[0], out var k0); // t [B] → [B, Dim]
        float* d = CpuTensors.Output(output, out var temp);
        CpuPositions.TimestepEmbedding(t, s[0].Shape[0], node.ParamsAs<TimestepEmbeddingParams>(), d);
        Done(output, temp, k0, null, null);
    }

    private static void Conv2d(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var x = s[0].Shape; // x [B, Ci, H, W], w [Co, Ci, kh, kw] (bf16/f16 widened), b [Co]
        var w = s[1].Shape;
        float* px = CpuTensors.Dense(s[0], out var k0);
        float* pw = CpuTensors.Dense(s[1], out var k1);
        float[]? k2 = null;
        float* pb = s.Length == 3 ? CpuTensors.Dense(s[2], out k2) : null;
        float* d = CpuTensors.Output(output, out var temp);
        CpuConv.Conv2d(px, pw, pb, x[0], x[1], x[2], x[3], w[0], w[2], w[3], node.ParamsAs<Conv2dParams>(), d);
        Done(output, temp, k0, k1, k2);
    }

    private static void UpsampleNearest2x(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // [B, C, H, W] → [B, C, 2H, 2W]
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* d = CpuTensors.Output(output, out var temp);
        CpuConv.UpsampleNearest2x(x, (long)sh[0] * sh[1], sh[2], sh[3], d);
        Done(output, temp, k0, null, null);
    }

    private static void Contiguous(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var x = s[0]; // any view → dense, byte-exact
        var storage = HostMemory.Storage<byte>(x);
        // SAFETY: native CpuBuffer memory; the span covers the view's whole storage extent.
        byte* src = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref storage.GetPinnableReference());
        CpuCopy.Gather(src, x.Layout, x.DType.SizeInBytes(), Bytes(output));
    }

    private static void Concat(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        int axis = node.ParamsAs<ConcatParams>().Axis; // parts contiguous, equal except along axis
        var shape = output.Shape;
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }
        for (int d = axis + 1; d < shape.Rank; d++)
        {
            inner *= shape[d];
        }
        int size = output.DType.SizeInBytes();
        var parts = new nint[s.Length];
        var chunks = new long[s.Length];
        for (int p = 0; p < s.Length; p++)
        {
            parts[p] = s[p].Shape.ElementCount == 0 ? 0 : (nint)Bytes(s[p]);
            chunks[p] = s[p].Shape[axis] * inner * size;
        }
        if (output.Shape.ElementCount > 0)
        {
            CpuCopy.Concat(parts, chunks, outer, Bytes(output));
        }
    }

    private static long Rows(Shape shape, int cols) => cols == 0 ? 0 : shape.ElementCount / cols;

    private static void Done(BoundTensor output, float[]? temp, float[]? k0, float[]? k1, float[]? k2)
    {
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(k0);
        GC.KeepAlive(k1);
        GC.KeepAlive(k2);
    }
}
