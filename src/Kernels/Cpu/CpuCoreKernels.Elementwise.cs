using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Core;

namespace Locus.Kernels.Cpu;

// Adapters: bound tensors → f32 pointers (F16/BF16 widened, strided views kept where the kernel accepts them) → kernel → narrow.
public static unsafe partial class CpuCoreKernels
{
    private static void Binary(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        // a, b: any layout, broadcast to output [...]
        int op = node.Op switch { OpKind.Add => 0, OpKind.Sub => 1, _ => 2 };
        float* a = CpuTensors.Input(s[0], out var la, out var ka);
        float* b = CpuTensors.Input(s[1], out var lb, out var kb);
        float* d = CpuTensors.Output(output, out var temp);
        CpuElementwise.Binary(op, a, la, b, lb, output.Shape, d);
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(ka);
        GC.KeepAlive(kb);
    }

    private static void Scale(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<ScaleParams>();
        float* x = CpuTensors.Dense(s[0], out var keep);
        float* d = CpuTensors.Output(output, out var temp);
        CpuElementwise.Affine(x, p.Scale, p.Bias, d, output.Shape.ElementCount);
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(keep);
    }

    private static void Silu(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux) =>
        Unary(s[0], output, &CpuActivations.Silu);

    private static void Sigmoid(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux) =>
        Unary(s[0], output, &CpuActivations.Sigmoid);

    private static void Gelu(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        if (node.ParamsAs<GeluParams>().Approximate)
        {
            Unary(s[0], output, &CpuActivations.GeluTanh);
        }
        else
        {
            Unary(s[0], output, &CpuActivations.GeluErf);
        }
    }

    private static void Unary(BoundTensor x, BoundTensor output, delegate*<float*, float*, long, void> kernel)
    {
        float* px = CpuTensors.Dense(x, out var keep);
        float* d = CpuTensors.Output(output, out var temp);
        CpuElementwise.Unary(px, d, output.Shape.ElementCount, kernel);
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(keep);
    }

    private static void Modulate(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, N, C], scale/shift [B, C]
        float* x = CpuTensors.Dense(s[0], out var k0);
        float* sc = CpuTensors.Dense(s[1], out var k1);
        float* sf = CpuTensors.Dense(s[2], out var k2);
        float* d = CpuTensors.Output(output, out var temp);
        CpuElementwise.Modulate(x, sc, sf, sh[0], sh[1], sh[2], d);
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(k0);
        GC.KeepAlive(k1);
        GC.KeepAlive(k2);
    }

    private static void GatedResidual(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[2].Shape; // h0, y [B, N, C]; gate [B, C] or [B, N, 1]
        float* h0 = CpuTensors.Dense(s[0], out var k0);
        float* g = CpuTensors.Dense(s[1], out var k1);
        float* y = CpuTensors.Dense(s[2], out var k2);
        float* d = CpuTensors.Output(output, out var temp);
        CpuElementwise.GatedResidual(h0, g, y, sh[0], sh[1], sh[2], s[1].Shape.Rank == 3, d);
        CpuTensors.Finish(output, temp);
        GC.KeepAlive(k0);
        GC.KeepAlive(k1);
        GC.KeepAlive(k2);
    }

    private static void Convert(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var x = s[0];
        long n = output.Shape.ElementCount;
        if (!x.Layout.IsContiguous || n == 0)
        {
            HostMemory.WriteFloats(output, HostMemory.ReadFloats(x));
            return;
        }
        byte* src = Bytes(x), dst = Bytes(output);
        switch (x.DType, output.DType)
        {
            case (DType.F32, DType.BF16):
                CpuCopy.ToBFloat16((float*)src, (ushort*)dst, n);
                break;
            case (DType.BF16, DType.F32):
                CpuCopy.FromBFloat16((ushort*)src, (float*)dst, n);
                break;
            case (DType.F32, DType.F16):
                CpuCopy.Half((float*)src, (Half*)dst, n, toHalf: true);
                break;
            case (DType.F16, DType.F32):
                CpuCopy.Half((float*)dst, (Half*)src, n, toHalf: false);
                break;
            default:
                if (x.DType == output.DType)
                {
                    long bytes = n * x.DType.SizeInBytes();
                    Buffer.MemoryCopy(src, dst, bytes, bytes);
                }
                else
                {
                    HostMemory.WriteFloats(output, HostMemory.ReadFloats(x));
                }
                break;
        }
    }

    /// <summary>Address of the first logical element of a contiguous tensor.</summary>
    private static byte* Bytes(BoundTensor t)
    {
        int size = t.DType.SizeInBytes();
        var span = HostMemory.Storage<byte>(t).Slice(checked((int)(t.Layout.Offset * size)));
        // SAFETY: native CpuBuffer memory (never moves); the span above is bounds-checked against the buffer.
        return (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref span.GetPinnableReference());
    }
}
