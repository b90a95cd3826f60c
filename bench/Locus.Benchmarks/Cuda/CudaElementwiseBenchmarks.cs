using BenchmarkDotNet.Attributes;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;

namespace Locus.Benchmarks.Cuda;

/// <summary>Elementwise and norm kernels on bf16 [8704, 3072] vs a device-to-device copy of the same bytes (GB/s = bytes moved / mean).</summary>
[Config(typeof(CudaBenchConfig))]
public class CudaElementwiseBenchmarks : IDisposable
{
    private const int Rows = 8704, Cols = 3072;
    private CudaBackend? _backend;
    private Node? _node;
    private BoundTensor[] _src = [];
    private BoundTensor _out;
    private readonly List<DeviceBuffer> _buffers = [];

    [Params("add", "mul", "silu", "gelu_tanh", "modulate", "gated_residual", "layer_norm", "rms_norm", "softmax", "convert_f32")]
    public string Op { get; set; } = "add";

    [GlobalSetup]
    public void Setup()
    {
        _backend = new CudaBackend();
        var g = new GraphBuilder();
        var shape = new Shape(1, Rows, Cols);
        var x = g.Input("x", DType.BF16, shape);
        var y = g.Input("y", DType.BF16, shape);
        var v = g.Input("v", DType.BF16, new Shape(1, Cols));
        var w = g.Input("w", DType.BF16, new Shape(Cols));
        _node = Op switch
        {
            "add" => g.Add(x, y),
            "mul" => g.Mul(x, y),
            "silu" => g.Silu(x),
            "gelu_tanh" => g.Gelu(x),
            "modulate" => g.Modulate(x, v, v),
            "gated_residual" => g.GatedResidual(x, v, y),
            "layer_norm" => g.LayerNorm(x, null, null, 1e-6f),
            "rms_norm" => g.RmsNorm(x, w, 1e-6f),
            "softmax" => g.Softmax(x),
            "convert_f32" => g.Convert(x, DType.F32),
            _ => throw new ArgumentException($"unknown op '{Op}'"),
        };
        var leaves = new Dictionary<Node, BoundTensor> { [x] = Alloc(x.Desc), [y] = Alloc(y.Desc), [v] = Alloc(v.Desc), [w] = Alloc(w.Desc) };
        _src = _node.Sources.Select(s => leaves[s]).ToArray();
        _out = Alloc(_node.Desc);
        Kernel();
    }

    [Benchmark]
    public void Kernel()
    {
        _backend!.Execute(_node!, _src, _out, null);
        _backend.Synchronize();
    }

    [Benchmark(Baseline = true)]
    public void DeviceCopy()
    {
        long bytes = (long)Rows * Cols * 2;
        _backend!.Kernels.CopyDevice(CudaKernelContext.Pointer(_src[0]), CudaKernelContext.Pointer(_out), bytes);
        _backend.Synchronize();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var b in _buffers)
        {
            b.Dispose();
        }
        _buffers.Clear();
        _backend?.Dispose();
        _backend = null;
        GC.SuppressFinalize(this);
    }

    private BoundTensor Alloc(TensorDesc desc)
    {
        var buf = _backend!.Allocate(desc.ByteLength);
        _buffers.Add(buf);
        return new BoundTensor(buf, 0, desc);
    }
}
