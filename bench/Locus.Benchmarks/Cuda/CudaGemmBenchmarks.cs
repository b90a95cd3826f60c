using BenchmarkDotNet.Attributes;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;

namespace Locus.Benchmarks.Cuda;

/// <summary>bf16 GEMM at Kontext shapes and 8192³: our Linear launcher vs a raw cuBLASLt call (same plan cache), stream synchronised per call.</summary>
[Config(typeof(CudaBenchConfig))]
public class CudaGemmBenchmarks : IDisposable
{
    private CudaBackend? _backend;
    private Node? _node;
    private BoundTensor[] _src = [];
    private BoundTensor _out;
    private readonly List<DeviceBuffer> _buffers = [];

    /// <summary>"M×K×N".</summary>
    [Params("8704x3072x3072", "8704x3072x12288", "8704x12288x3072", "8192x8192x8192")]
    public string Shape { get; set; } = "8704x3072x3072";

    [GlobalSetup]
    public void Setup()
    {
        var d = Shape.Split('x').Select(int.Parse).ToArray();
        _backend = new CudaBackend();
        var g = new GraphBuilder();
        var x = g.Input("x", DType.BF16, new Shape(d[0], d[1]));
        var w = g.Input("w", DType.BF16, new Shape(d[2], d[1]));
        var b = g.Input("b", DType.BF16, new Shape(d[2]));
        _node = g.Linear(x, w, b);
        _src = [Alloc(x.Desc), Alloc(w.Desc), Alloc(b.Desc)];
        _out = Alloc(_node.Desc);
        Linear();
    }

    [Benchmark(Baseline = true)]
    public void Linear()
    {
        _backend!.Execute(_node!, _src, _out, null);
        _backend.Synchronize();
    }

    [Benchmark]
    public void RawCublasLt()
    {
        var d = Shape.Split('x').Select(long.Parse).ToArray();
        var spec = new GemmSpec(14, true, false, d[2], d[0], d[1], d[1], d[1], d[2], Epilogue: 4);
        _backend!.Kernels.Gemm(spec, CudaKernelContext.Pointer(_src[1]), CudaKernelContext.Pointer(_src[0]), CudaKernelContext.Pointer(_out), CudaKernelContext.Pointer(_src[2]));
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
        var host = HostTensor.FromFloats(desc.DType, desc.Shape, Enumerable.Range(0, (int)desc.Shape.ElementCount).Select(i => (i % 13 - 6) * 0.01f).ToArray());
        _backend.Upload(host.Data, buf, 0);
        return new BoundTensor(buf, 0, desc);
    }
}
