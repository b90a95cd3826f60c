using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Core;

namespace Locus.Kernels.Reference;

// Node adapters: widen every source to f32 (any float dtype, any layout), call the span kernel, narrow to the output dtype.
public static partial class ReferenceCoreKernels
{
    private static void Binary(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var dst = new float[output.Shape.ElementCount];
        ReferenceElementwise.Binary(node.Op, HostMemory.ReadFloats(s[0]), s[0].Shape, HostMemory.ReadFloats(s[1]), s[1].Shape, output.Shape, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void Scale(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var p = node.ParamsAs<ScaleParams>();
        Unary(s[0], output, (x, d) => ReferenceElementwise.Scale(x, p.Scale, p.Bias, d));
    }

    private static void Silu(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux) =>
        Unary(s[0], output, ReferenceElementwise.Silu);

    private static void Sigmoid(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux) =>
        Unary(s[0], output, ReferenceElementwise.Sigmoid);

    private static void Gelu(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        bool approximate = node.ParamsAs<GeluParams>().Approximate;
        Unary(s[0], output, (x, d) => ReferenceElementwise.Gelu(x, approximate, d));
    }

    private static void Modulate(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, N, C]
        var dst = new float[sh.ElementCount];
        ReferenceElementwise.Modulate(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), HostMemory.ReadFloats(s[2]), sh[0], sh[1], sh[2], dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void GatedResidual(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[2].Shape; // h0, y [B, N, C]; gate [B, C] or [B, N, 1]
        var dst = new float[sh.ElementCount];
        ReferenceElementwise.GatedResidual(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), HostMemory.ReadFloats(s[2]), sh[0], sh[1], sh[2], s[1].Shape.Rank == 3, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void Convert(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux) =>
        HostMemory.WriteFloats(output, HostMemory.ReadFloats(s[0]));

    private static void Contiguous(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        int size = output.DType.SizeInBytes();
        ReferenceCopy.Gather(HostMemory.Storage<byte>(s[0]), s[0].Layout, size, DenseBytes(output));
    }

    private static void Concat(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        int axis = node.ParamsAs<ConcatParams>().Axis;
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
        var parts = new List<byte[]>();
        var axes = new int[s.Length];
        for (int p = 0; p < s.Length; p++)
        {
            parts.Add(DenseBytes(s[p]).ToArray());
            axes[p] = s[p].Shape[axis];
        }
        ReferenceCopy.Concat(parts, axes, outer, inner, output.DType.SizeInBytes(), DenseBytes(output));
    }

    private static void Unary(BoundTensor x, BoundTensor output, SpanAction kernel)
    {
        var dst = new float[output.Shape.ElementCount];
        kernel(HostMemory.ReadFloats(x), dst);
        HostMemory.WriteFloats(output, dst);
    }

    /// <summary>The dense bytes of a contiguous bound tensor.</summary>
    internal static Span<byte> DenseBytes(BoundTensor t)
    {
        int size = t.DType.SizeInBytes();
        return HostMemory.Storage<byte>(t).Slice(checked((int)(t.Layout.Offset * size)), checked((int)(t.Shape.ElementCount * size)));
    }

    private delegate void SpanAction(ReadOnlySpan<float> x, Span<float> dst);
}
