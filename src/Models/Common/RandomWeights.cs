using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Models.Common;

/// <summary>
/// Random weights generated on the fly for benchmarks (no files): matrices ~ N(0, 1)/√fan_in, 1-D norm weights ~ 1,
/// other 1-D tensors (biases) ~ 0.02·N(0, 1). Values come from a few fixed-seed pools that are tiled into each tensor,
/// so binding a 12 B-parameter model costs only the uploads. Not for numerical checks.
/// </summary>
public sealed class RandomWeights : ISyntheticWeightCatalog, IWeightProvider, IDisposable
{
    private const int PoolElements = 1 << 20;
    private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Kind, int FanIn), byte[]> _pools = new();
    private readonly Dictionary<(IBackend Backend, string Name), BoundTensor> _bound = new();
    private readonly DType _dtype;
    private readonly int _seed;

    /// <summary>Random weights stored as <paramref name="dtype"/> (bf16 for GPU-shaped runs).</summary>
    public RandomWeights(DType dtype = DType.BF16, int seed = 1)
    {
        if (!dtype.IsFloat())
        {
            throw new ArgumentException($"weights must be a float type, got {dtype}", nameof(dtype));
        }
        _dtype = dtype;
        _seed = seed;
    }

    public string Source => "random weights";

    public IEnumerable<string> Keys => _shapes.Keys;

    /// <summary>Total declared parameters.</summary>
    public long ParameterCount => _shapes.Values.Sum(s => s.ElementCount);

    public DType Declare(string key, Shape shape)
    {
        _shapes[key] = shape;
        return _dtype;
    }

    public bool TryGetInfo(string key, out DType dtype, out Shape shape)
    {
        dtype = _dtype;
        return _shapes.TryGetValue(key, out shape);
    }

    /// <summary>
    /// Allocates the weight on <paramref name="backend"/> and fills it by tiling a random pool, once per backend and name: every
    /// graph built on this catalog (a pipeline's step graphs for two text lengths, with and without capture) shares one copy,
    /// as with a <see cref="Engine.IO.WeightStore"/>.
    /// </summary>
    public BoundTensor Bind(Node weight, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(backend);
        if (_bound.TryGetValue((backend, weight.Name), out var cached))
        {
            return cached.Desc == weight.Desc ? cached
                : throw new InvalidOperationException($"random weight '{weight.Name}' was bound as {cached.Desc}, a later graph asks for {weight.Desc}");
        }
        var shape = weight.Shape;
        bool isNorm = shape.Rank == 1 && weight.Name.Contains("norm", StringComparison.Ordinal);
        int kind = shape.Rank >= 2 ? 0 : isNorm ? 1 : 2;
        int fanIn = shape.Rank >= 2 ? (int)(shape.ElementCount / shape[0]) : 1;
        var pool = Pool(kind, fanIn);
        long bytes = weight.Desc.ByteLength;
        var buffer = backend.Allocate(bytes);
        // Start each tensor at a different pool offset so equal-shaped tensors differ.
        long offset = (uint)weight.Name.GetHashCode(StringComparison.Ordinal) % (pool.Length / 2) / _dtype.SizeInBytes() * _dtype.SizeInBytes();
        long written = 0;
        try
        {
            while (written < bytes)
            {
                int n = (int)Math.Min(bytes - written, pool.Length - offset);
                backend.Upload(pool.AsSpan((int)offset, n), buffer, written);
                written += n;
                offset = 0;
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        var bound = new BoundTensor(buffer, 0, new TensorDesc(_dtype, shape));
        _bound[(backend, weight.Name)] = bound;
        return bound;
    }

    public void Dispose()
    {
        foreach (var b in _bound.Values)
        {
            b.Buffer.Dispose();
        }
        _bound.Clear();
    }

    private byte[] Pool(int kind, int fanIn)
    {
        if (_pools.TryGetValue((kind, fanIn), out var pool))
        {
            return pool;
        }
        var rng = new Random(HashCode.Combine(_seed, kind, fanIn));
        var values = new float[PoolElements];
        float scale = kind == 0 ? 1f / MathF.Sqrt(fanIn) : 0.02f;
        for (int i = 0; i < values.Length; i++)
        {
            // Box–Muller normal.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            float z = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            values[i] = (kind == 1 ? 1f : 0f) + (scale * z);
        }
        pool = HostTensor.FromFloats(_dtype, new Shape(values.Length), values).Data;
        _pools[(kind, fanIn)] = pool;
        return pool;
    }
}
