using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>AttentionCapture on the GPU against the reference (tensor-core and generic paths, 2×2 pooling), and capture
/// leaving the attention output unchanged. Skipped with CudaBackend's reason when no GPU is present.</summary>
public sealed class CudaAttentionCaptureTests
{
    private static CudaBackend Backend()
    {
        Assert.SkipUnless(CudaBackend.IsAvailable(out string reason), reason);
        return new CudaBackend();
    }

    // Attention (for a consistent lse), then capture of a block with weight 0.5 added to an accumulator.
    private static Node[] Build(GraphBuilder g, DType dt, int d, int n, AttentionCaptureParams p, bool withAccumulator)
    {
        var q = g.Input("q", dt, new Shape(2, 3, n, d));
        var k = g.Input("k", dt, new Shape(2, 3, n, d));
        var v = g.Input("v", dt, new Shape(2, 3, n, d));
        var w = g.Input("weight", DType.F32, new Shape(1));
        var o = g.Attention(q, k, v, p.Scale, name: "attn");
        int rows = p.RowEnd - p.RowStart, cols = p.ColEnd - p.ColStart;
        if (p.Pool2x2)
        {
            rows /= 4;
            cols /= 4;
        }
        Node? acc = withAccumulator ? g.Input("acc", DType.F32, new Shape(2, rows, cols)) : null;
        var cap = g.AttentionCapture(q, k, g.Aux(o), w, acc, p, name: "capture");
        return [cap, o];
    }

    private static float[]? Fill(string name, Shape shape, Random rng) => name == "weight" ? [0.5f] : null;

    [Theory]
    [InlineData(DType.BF16, 128, false)]
    [InlineData(DType.BF16, 64, true)]
    [InlineData(DType.F32, 16, true)]
    [InlineData(DType.BF16, 16, false)]
    public void Capture_Block_MatchesReference(DType dt, int d, bool withAccumulator)
    {
        using var cuda = Backend();
        var p = new AttentionCaptureParams(1f / MathF.Sqrt(d), 30, 130, 5, 75);
        var c = new OpCase($"AttentionCapture(type={dt}, D={d}, acc={withAccumulator})", OpKind.AttentionCapture, g => Build(g, dt, d, 150, p, withAccumulator))
        {
            MaxNmse = dt == DType.F32 ? 1e-8 : 2e-4,
            Fill = Fill,
        };
        var r = ParityRunner.Run(c, cuda);
        Assert.True(r.Status == ParityStatus.Passed, r.ToString());
    }

    [Theory]
    [InlineData(DType.BF16, 128)]
    [InlineData(DType.F32, 16)]
    public void Capture_Pool2x2_MatchesReference(DType dt, int d)
    {
        using var cuda = Backend();
        // Image block: tokens [10, 10 + 8·6) on an 8 × 6 grid, both axes.
        var p = new AttentionCaptureParams(1f / MathF.Sqrt(d), 10, 58, 10, 58, Pool2x2: true, GridHeight: 8, GridWidth: 6);
        var c = new OpCase($"AttentionCapture(type={dt}, D={d}, pool2x2)", OpKind.AttentionCapture, g => Build(g, dt, d, 70, p, true))
        {
            MaxNmse = dt == DType.F32 ? 1e-8 : 2e-4,
            Fill = Fill,
        };
        var r = ParityRunner.Run(c, cuda);
        Assert.True(r.Status == ParityStatus.Passed, r.ToString());
    }

    [Fact]
    public void Capture_AfterAttention_LeavesAttentionOutputUnchanged()
    {
        using var cuda = Backend();
        var p = new AttentionCaptureParams(1f / MathF.Sqrt(128), 0, 64, 64, 100);
        var with = new OpCase("with capture", OpKind.AttentionCapture, g => Build(g, DType.BF16, 128, 100, p, false)) { Fill = Fill };
        var without = new OpCase("attention only", OpKind.Attention, g =>
        {
            var q = g.Input("q", DType.BF16, new Shape(2, 3, 100, 128));
            var k = g.Input("k", DType.BF16, new Shape(2, 3, 100, 128));
            var v = g.Input("v", DType.BF16, new Shape(2, 3, 100, 128));
            return [g.Attention(q, k, v, p.Scale, name: "attn")];
        });
        float[] a = CudaAttentionRunner.RunCase(cuda, with)[1];
        float[] b = CudaAttentionRunner.RunCase(cuda, without)[0];
        Assert.Equal(b, a);
    }
}
