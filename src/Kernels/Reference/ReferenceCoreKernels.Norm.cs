using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Core;

namespace Locus.Kernels.Reference;

// Node adapters for norms, positions and convolution.
public static partial class ReferenceCoreKernels
{
    private static void LayerNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C]
        int cols = sh[-1];
        var dst = new float[sh.ElementCount];
        float[] w = s.Length == 3 ? HostMemory.ReadFloats(s[1]) : [];
        float[] b = s.Length == 3 ? HostMemory.ReadFloats(s[2]) : [];
        ReferenceNorm.LayerNorm(HostMemory.ReadFloats(s[0]), w, b, Rows(sh.ElementCount, cols), cols, node.ParamsAs<LayerNormParams>().Epsilon, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void RmsNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C], w [C]
        int cols = sh[-1];
        var dst = new float[sh.ElementCount];
        ReferenceNorm.RmsNorm(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), Rows(sh.ElementCount, cols), cols, node.ParamsAs<RmsNormParams>().Epsilon, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void GroupNorm(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, C, H, W]
        var p = node.ParamsAs<GroupNormParams>();
        var dst = new float[sh.ElementCount];
        ReferenceNorm.GroupNorm(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), HostMemory.ReadFloats(s[2]), sh[0], sh[1], sh[2] * sh[3], p.GroupCount, p.Epsilon, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void Softmax(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [..., C]
        int cols = sh[-1];
        var dst = new float[sh.ElementCount];
        ReferenceNorm.Softmax(HostMemory.ReadFloats(s[0]), Rows(sh.ElementCount, cols), cols, dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void Rope(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // x [B, H, N, D], cos/sin [N, D/2]
        var dst = new float[sh.ElementCount];
        ReferencePositions.Rope(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), HostMemory.ReadFloats(s[2]), sh[0] * sh[1], sh[2], sh[3], dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void TimestepEmbedding(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var dst = new float[output.Shape.ElementCount]; // t [B] → [B, Dim]
        ReferencePositions.TimestepEmbedding(HostMemory.ReadFloats(s[0]), node.ParamsAs<TimestepEmbeddingParams>(), dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void Conv2d(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var x = s[0].Shape; // x [B, Ci, H, W], w [Co, Ci, kh, kw], b [Co]
        var w = s[1].Shape;
        var dst = new float[output.Shape.ElementCount];
        float[] bias = s.Length == 3 ? HostMemory.ReadFloats(s[2]) : [];
        ReferenceConv.Conv2d(HostMemory.ReadFloats(s[0]), HostMemory.ReadFloats(s[1]), bias, x[0], x[1], x[2], x[3], w[0], w[2], w[3], node.ParamsAs<Conv2dParams>(), dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static void UpsampleNearest2x(Node node, ReadOnlySpan<BoundTensor> s, BoundTensor output, BoundTensor? aux)
    {
        var sh = s[0].Shape; // [B, C, H, W] → [B, C, 2H, 2W]
        var dst = new float[output.Shape.ElementCount];
        ReferenceConv.UpsampleNearest2x(HostMemory.ReadFloats(s[0]), sh[0] * sh[1], sh[2], sh[3], dst);
        HostMemory.WriteFloats(output, dst);
    }

    private static int Rows(long count, int cols) => cols == 0 ? 0 : checked((int)(count / cols));
}
