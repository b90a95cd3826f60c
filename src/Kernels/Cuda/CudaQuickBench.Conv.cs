using System.Globalization;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda;

public static partial class CudaQuickBench
{
    // VAE-decoder-sized bf16 convolutions: 3×3 pad 1 and 1×1, [1, Ci, H, W] → [1, Co, H, W]; TFLOP/s = 2·Co·Ci·k²·H·W / t.
    private static void Conv(TextWriter output, CudaBackend backend, int batches)
    {
        foreach (var (ci, co, hw, k) in new[] { (128, 128, 512, 3), (256, 256, 256, 3), (512, 512, 128, 3), (128, 3, 512, 3), (256, 128, 512, 1) })
        {
            var g = new GraphBuilder();
            var x = g.Input("x", DType.BF16, new Shape(1, ci, hw, hw));
            var w = g.Input("w", DType.BF16, new Shape(co, ci, k, k));
            var b = g.Input("b", DType.BF16, new Shape(co));
            var node = g.Conv2d(x, w, b, new Conv2dParams(1, k / 2));
            using var bx = Fill(backend, x.Desc);
            using var bw = Fill(backend, w.Desc);
            using var bb = Fill(backend, b.Desc);
            using var by = backend.Allocate(node.Desc.ByteLength);
            BoundTensor[] src = [new(bx, 0, x.Desc), new(bw, 0, w.Desc), new(bb, 0, b.Desc)];
            var o = new BoundTensor(by, 0, node.Desc);
            double ms = TimeMs(backend.Kernels, () => backend.Execute(node, src, o, null), batches);
            double flops = 2.0 * co * ci * k * k * hw * hw;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"conv{k}x{k}        bf16 [1, {ci}, {hw}, {hw}] → {co}: {ms:F3} ms {flops / ms / 1e9:F1} TFLOP/s"));
        }
    }
}
