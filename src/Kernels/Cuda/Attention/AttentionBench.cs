using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>
/// Device-time harness for the CUDA attention kernels at one Kontext joint attention (default B = 1, H = 24, N = 8704,
/// D = 128, bf16): plain, + GRAG (text group identity, last 4096 keys (1.0, 1.1)), + region bias (−∞ on the text columns
/// for half of the target rows), + additive bias (bf16 [1, 1, N, N]) and a capture of the 4096 × 512 target × text block.
/// Each case: warm-up launches, then CUDA events around <c>iterations</c> launches (mean per launch). The masked-row check is
/// off while timing (it synchronizes). Used by <c>locus bench attention</c> and the BenchmarkDotNet class.
/// </summary>
public sealed unsafe class AttentionBench : IDisposable
{
    private readonly CudaBackend _backend;
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly Dictionary<string, BoundTensor> _inputs = [];
    private readonly int _b, _h, _n, _d;

    /// <summary>Allocates and fills (seeded N(0, 1) bf16) q, k, v, masks, scales and bias on <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a size is not positive or N is below 4608 (512 text + 4096 target).</exception>
    public AttentionBench(CudaBackend backend, int batch = 1, int heads = 24, int tokens = 8704, int headDim = 128)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 4608, nameof(tokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        (_backend, _b, _h, _n, _d) = (backend, batch, heads, tokens, headDim);
        var rng = new Random(1234);
        foreach (string name in new[] { "q", "k", "v" })
        {
            Add(name, DType.BF16, new Shape(_b, _h, _n, _d), Normal(rng, (long)_b * _h * _n * _d));
        }
        // Region: target rows [512, 4608); the first half of them are outside the edit mask (0); text columns [0, 512).
        Add("rowMask", DType.F32, new Shape(_b, _n), Enumerable.Range(0, _b * _n).Select(i => i % _n is >= 512 and < 2560 ? 0f : 1f).ToArray());
        Add("colMask", DType.F32, new Shape(_n), Enumerable.Range(0, _n).Select(j => j < 512 ? 1f : 0f).ToArray());
        Add("gragScales", DType.F32, new Shape(2, 2), [1f, 1f, 1f, 1.1f]);
        Add("bias", DType.BF16, new Shape(1, 1, _n, _n), Normal(rng, (long)_n * _n));
        Add("weight", DType.F32, new Shape(1), [1f]);
    }

    /// <summary>FLOPs of one forward: 4·B·H·N²·D.</summary>
    public double ForwardFlops => 4.0 * _b * _h * _n * (double)_n * _d;

    /// <summary>
    /// The benchmark cases, in print order. "grag" is the official path (k′ pre-pass + plain kernel), "grag-logit" the in-kernel
    /// logit form it replaced; a "-v2" / "-v3" suffix runs the same case on forward variant 2 / 3 (<see cref="AttentionSelector.VariantVariable"/>).
    /// </summary>
    public static IReadOnlyList<string> Cases { get; } =
        ["plain", "grag", "region", "bias", "capture", "grag-logit", "plain-v2", "grag-v2", "region-v2", "bias-v2", "plain-v3", "grag-v3", "region-v3", "bias-v3"];

    /// <summary>Mean device milliseconds per launch of <paramref name="caseName"/> (one of <see cref="Cases"/>).</summary>
    /// <exception cref="ArgumentException">unknown case.</exception>
    public double Measure(string caseName, int iterations = 20, int warmup = 3)
    {
        ArgumentNullException.ThrowIfNull(caseName);
        int variant = caseName.EndsWith("-v2", StringComparison.Ordinal) ? 2 : caseName.EndsWith("-v3", StringComparison.Ordinal) ? 3 : 1;
        bool logit = caseName == "grag-logit";
        string baseCase = variant > 1 ? caseName[..^3] : logit ? "grag" : caseName;
        if (variant > 1 && baseCase == "capture")
        {
            throw new ArgumentException("the capture case has no variant 2", nameof(caseName));
        }
        var (node, sources, aux) = BuildCase(baseCase);
        var output = Allocate(node.Desc);
        bool check = CudaAttentionKernels.CheckMaskedRows;
        int? savedVariant = AttentionSelector.VariantOverride;
        bool forceLogit = AttentionSelector.ForceGragLogitForm;
        CudaAttentionKernels.CheckMaskedRows = false;
        AttentionSelector.VariantOverride = variant;
        AttentionSelector.ForceGragLogitForm = logit;
        try
        {
            for (int i = 0; i < warmup; i++)
            {
                _backend.Execute(node, sources, output, aux);
            }
            return TimeLaunches(() => _backend.Execute(node, sources, output, aux), iterations);
        }
        finally
        {
            CudaAttentionKernels.CheckMaskedRows = check;
            AttentionSelector.VariantOverride = savedVariant;
            AttentionSelector.ForceGragLogitForm = forceLogit;
        }
    }

    private (Node Node, BoundTensor[] Sources, BoundTensor? Aux) BuildCase(string caseName)
    {
        var g = new GraphBuilder();
        Node In(string name) => g.Input(name, _inputs[name].DType, _inputs[name].Shape);
        var q = In("q");
        var k = In("k");
        var v = In("v");
        float scale = 1f / MathF.Sqrt(_d);
        Node node = caseName switch
        {
            "plain" => g.Attention(q, k, v, scale),
            "grag" => g.Attention(q, k, v, scale, grag: [new GragGroup(0, 512), new GragGroup(_n - 4096, _n)], gragScales: In("gragScales")),
            "region" => g.Attention(q, k, v, scale, regionBias: float.NegativeInfinity, regionRowMask: In("rowMask"), regionColMask: In("colMask")),
            "bias" => g.Attention(q, k, v, scale, bias: In("bias")),
            "capture" => g.AttentionCapture(q, k, g.Input("lse", DType.F32, new Shape(_b, _h, _n)), In("weight"), null,
                new AttentionCaptureParams(scale, 512, 4608, 0, 512)),
            _ => throw new ArgumentException($"unknown attention bench case '{caseName}' (have: {string.Join(", ", Cases)})", nameof(caseName)),
        };
        if (caseName == "capture" && !_inputs.ContainsKey("lse"))
        {
            // A consistent lse from one plain forward.
            var (plain, src, lseOut) = BuildCase("plain");
            _backend.Execute(plain, src, Allocate(plain.Desc), lseOut);
            _inputs["lse"] = lseOut!.Value;
        }
        var sources = node.Sources.Select(s => _inputs[s.Name]).ToArray();
        BoundTensor? aux = node.AuxDesc is { } a ? Allocate(a) : null;
        return (node, sources, aux);
    }

    private double TimeLaunches(Action launch, int iterations)
    {
        var ctx = _backend.Context;
        ctx.MakeCurrent();
        nint start, stop;
        CudaException.Check(CuDriver.cuEventCreate(&start, 0));
        CudaException.Check(CuDriver.cuEventCreate(&stop, 0));
        try
        {
            CudaException.Check(CuDriver.cuEventRecord(start, ctx.Stream));
            for (int i = 0; i < iterations; i++)
            {
                launch();
            }
            CudaException.Check(CuDriver.cuEventRecord(stop, ctx.Stream));
            CudaException.Check(CuDriver.cuEventSynchronize(stop));
            float ms;
            int rc = CuDriver.cuEventElapsedTimeV2(&ms, start, stop);
            if (rc != 0)
            {
                CudaException.Check(CuDriver.cuEventElapsedTimeV1(&ms, start, stop));
            }
            return ms / iterations;
        }
        finally
        {
            _ = CuDriver.cuEventDestroy(start);
            _ = CuDriver.cuEventDestroy(stop);
        }
    }

    private void Add(string name, DType dtype, Shape shape, float[] values)
    {
        var host = HostTensor.FromFloats(dtype, shape, values);
        var t = Allocate(new TensorDesc(dtype, shape));
        _backend.Upload(host.Data, t.Buffer, 0);
        _inputs[name] = t;
    }

    private BoundTensor Allocate(TensorDesc desc)
    {
        var buffer = _backend.Allocate(Math.Max(desc.Shape.ElementCount * desc.DType.SizeInBytes(), 16));
        _buffers.Add(buffer);
        return new BoundTensor(buffer, 0, desc);
    }

    private static float[] Normal(Random rng, long count)
    {
        var v = new float[count];
        for (long i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble(), r = Math.Sqrt(-2 * Math.Log(u1));
            v[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count)
            {
                v[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            }
        }
        return v;
    }

    /// <summary>Frees the device buffers.</summary>
    public void Dispose()
    {
        foreach (var b in _buffers)
        {
            b.Dispose();
        }
        _buffers.Clear();
    }
}
