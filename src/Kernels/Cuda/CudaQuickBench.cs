using System.Globalization;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Plain console CUDA benchmarks for <c>locus kernels bench</c> (fits a short GPU call): bf16 GEMMs at Kontext shapes and
/// 8192³ through our Linear launcher vs a raw cuBLASLt call, and every elementwise/norm kernel in GB/s vs a device copy.
/// Timing: CUDA events around a batch of launches, median of batches, after warm-up (first launch compiles the module).
/// </summary>
public static unsafe partial class CudaQuickBench
{
    /// <summary>Runs every figure and prints one line each.</summary>
    public static void Run(TextWriter output, bool quick)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var backend = new CudaBackend();
        var ctx = backend.Kernels;
        output.WriteLine($"device {backend.Context}; NVRTC {NvrtcCompiler.Version.Major}.{NvrtcCompiler.Version.Minor}; libraries: " +
            string.Join(", ", CudaLibraryResolver.LoadedFrom.Select(kv => kv.Key + "=" + kv.Value)));
        int batches = quick ? 5 : 15;
        foreach (var (m, k, n) in new[] { (8704, 3072, 3072), (8704, 3072, 12288), (8704, 12288, 3072), (8192, 8192, 8192) })
        {
            Gemm(output, backend, m, k, n, batches);
        }
        Bandwidth(output, backend, 8704L * 3072, batches);
        Conv(output, backend, batches);
    }

    private static void Gemm(TextWriter output, CudaBackend backend, int m, int k, int n, int batches)
    {
        var ctx = backend.Kernels;
        var g = new GraphBuilder();
        var x = g.Input("x", DType.BF16, new Shape(m, k));
        var w = g.Input("w", DType.BF16, new Shape(n, k));
        var b = g.Input("b", DType.BF16, new Shape(n));
        var node = g.Linear(x, w, b);
        using var bx = Fill(backend, x.Desc);
        using var bw = Fill(backend, w.Desc);
        using var bb = Fill(backend, b.Desc);
        using var by = backend.Allocate(node.Desc.ByteLength);
        BoundTensor[] src = [Bind(bx, x.Desc), Bind(bw, w.Desc), Bind(bb, b.Desc)];
        var y = Bind(by, node.Desc);
        double flop = 2.0 * m * n * k;
        double ours = TimeMs(ctx, () => backend.Execute(node, src, y, null), batches);
        var spec = new GemmSpec(CublasLt.R16BF, true, false, n, m, k, k, k, n, Epilogue: CublasLt.EpilogueBias);
        ulong pw = CudaKernelContext.Pointer(src[1]), px = CudaKernelContext.Pointer(src[0]), py = CudaKernelContext.Pointer(y), pb = CudaKernelContext.Pointer(src[2]);
        double raw = TimeMs(ctx, () => ctx.Gemm(spec, pw, px, py, pb), batches);
        var gelu = spec with { Epilogue = CublasLt.EpilogueGeluBias };
        double fused = TimeMs(ctx, () => ctx.Gemm(gelu, pw, px, py, pb), batches);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gemm bf16 M={m} K={k} N={n}: Linear {ours:F3} ms {flop / ours / 1e9:F1} TFLOP/s | raw cuBLASLt {raw:F3} ms {flop / raw / 1e9:F1} TFLOP/s | +GELU epilogue {fused:F3} ms {flop / fused / 1e9:F1} TFLOP/s"));
    }

    private static void Bandwidth(TextWriter output, CudaBackend backend, long count, int batches)
    {
        var ctx = backend.Kernels;
        int c = 3072;
        int rows = (int)(count / c);
        var shape = new Shape(1, rows, c);
        var g = new GraphBuilder();
        var x = g.Input("x", DType.BF16, shape);
        var y = g.Input("y", DType.BF16, shape);
        var v = g.Input("v", DType.BF16, new Shape(1, c));
        var wt = g.Input("wt", DType.BF16, new Shape(c));
        var col = g.Input("col", DType.BF16, new Shape(1, rows, 1));
        var cosT = g.Input("cos", DType.F32, new Shape(rows, 64));
        var sinT = g.Input("sin", DType.F32, new Shape(rows, 64));
        var cases = new (string Name, Node Node, int Tensors)[]
        {
            ("add", g.Add(x, y), 3), ("mul", g.Mul(x, y), 3), ("scale", g.Scale(x, 0.5f, 1f), 2), ("silu", g.Silu(x), 2),
            ("gelu_tanh", g.Gelu(x), 2), ("gelu_erf", g.Gelu(x, false), 2), ("modulate", g.Modulate(x, v, v), 2),
            ("gated_residual", g.GatedResidual(x, v, y), 3), ("layer_norm", g.LayerNorm(x, null, null, 1e-6f), 2),
            ("rms_norm", g.RmsNorm(x, wt, 1e-6f), 2), ("softmax", g.Softmax(x), 2), ("convert_f32", g.Convert(x, DType.F32), 3),
            ("add_bcast_row", g.Add(x, v), 2), ("contiguous_T", g.Contiguous(g.Permute(g.Reshape(x, new Shape(rows, c)), [1, 0])), 2),
            ("add_bcast_col", g.Add(x, col), 2), ("heads_split", g.Contiguous(g.Permute(g.Reshape(x, new Shape(1, rows, 24, 128)), [0, 2, 1, 3])), 2),
            ("rope", g.Rope(g.Reshape(x, new Shape(1, 24, rows, 128)), cosT, sinT), 2),
        };
        var buffers = new Dictionary<Node, DeviceBuffer>();
        try
        {
            foreach (var leaf in new[] { x, y, v, wt, col, cosT, sinT })
            {
                buffers[leaf] = Fill(backend, leaf.Desc);
            }
            long bytes = count * 2;
            using (var dst = backend.Allocate(bytes))
            {
                ulong s = ((CudaBuffer)buffers[x]).DevicePointer, d = ((CudaBuffer)dst).DevicePointer;
                double ms = TimeMs(ctx, () => ctx.CopyDevice(s, d, bytes), batches);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"copy d2d {bytes >> 20} MiB: {ms:F3} ms {2.0 * bytes / ms / 1e6:F0} GB/s"));
            }
            foreach (var (name, node, tensors) in cases)
            {
                var src = node.Sources.Select(s => Resolve(s, buffers)).ToArray();
                using var outBuf = backend.Allocate(node.Desc.ByteLength);
                var o = Bind(outBuf, node.Desc);
                double ms = TimeMs(ctx, () => backend.Execute(node, src, o, null), batches);
                double moved = (double)(tensors - 1) * count * 2 + node.Desc.ByteLength;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-15} bf16 [{rows}, {c}]: {ms:F3} ms {moved / ms / 1e6:F0} GB/s"));
            }
        }
        finally
        {
            foreach (var b in buffers.Values)
            {
                b.Dispose();
            }
        }
    }

    private static BoundTensor Resolve(Node n, Dictionary<Node, DeviceBuffer> buffers)
    {
        if (buffers.TryGetValue(n, out var b))
        {
            return Bind(b, n.Desc);
        }
        // views of an input: same storage, the view's layout
        var root = n;
        while (!buffers.ContainsKey(root))
        {
            root = root.Sources[0];
        }
        return new BoundTensor(buffers[root], 0, n.Desc);
    }

    private static BoundTensor Bind(DeviceBuffer b, TensorDesc d) => new(b, 0, d);

    private static DeviceBuffer Fill(CudaBackend backend, TensorDesc desc)
    {
        var rng = new Random(1);
        var values = new float[desc.Shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() - 0.5);
        }
        var host = HostTensor.FromFloats(desc.DType, desc.Shape, values);
        var buffer = backend.Allocate(desc.ByteLength);
        backend.Upload(host.Data, buffer, 0);
        return buffer;
    }
}
