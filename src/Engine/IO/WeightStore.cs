using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;

namespace Locus.Engine.IO;

/// <summary>
/// Supplies graph weights from safetensors (a file, an index JSON or a directory). Graph weight
/// names are looked up as <c>keyPrefix + name</c>. <see cref="Bind"/> checks the shape, converts
/// float dtypes when the graph asks for another one, uploads once per (backend, key, dtype) and owns
/// the device buffers until disposed. Used keys are tracked so unused checkpoint tensors can be reported.
/// </summary>
public sealed class WeightStore : IWeightProvider, IDisposable
{
    private readonly SafetensorsIndex _index;
    private readonly string _prefix;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<IBackend, Dictionary<(string, DType), BoundTensor>> _bound = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();
    private bool _disposed;

    private WeightStore(SafetensorsIndex index, string prefix)
    {
        _index = index;
        _prefix = prefix;
    }

    /// <summary>The path the store was opened from.</summary>
    public string Path => _index.Path;

    /// <summary>Prefix prepended to graph weight names (e.g. <c>"transformer."</c>).</summary>
    public string KeyPrefix => _prefix;

    /// <summary>The underlying index.</summary>
    public SafetensorsIndex Index => _index;

    /// <summary>Opens a weight source; see <see cref="SafetensorsIndex.Open"/>.</summary>
    public static WeightStore Open(string path, string keyPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        return new WeightStore(SafetensorsIndex.Open(path), keyPrefix);
    }

    /// <summary>Every checkpoint key (full names, prefix included).</summary>
    public IEnumerable<string> Keys => _index.Names;

    /// <summary>Checkpoint keys read or bound so far.</summary>
    public IReadOnlyCollection<string> UsedKeys
    {
        get
        {
            lock (_gate)
            {
                return _used.ToArray();
            }
        }
    }

    /// <summary>True if the checkpoint has <paramref name="key"/> (a full key, prefix included).</summary>
    public bool Contains(string key) => _index.TryGet(key, out _, out _);

    /// <summary>Stored shape of a full key.</summary>
    public Shape ShapeOf(string key) => Entry(key).Entry.Shape;

    /// <summary>Stored dtype of a full key.</summary>
    public DType DTypeOf(string key) => Entry(key).Entry.DType;

    /// <summary>Copies a tensor (full key) to the host and marks it used.</summary>
    public HostTensor Read(string key)
    {
        var (entry, file) = Entry(key);
        MarkUsed(key);
        return file.Read(entry);
    }

    /// <summary>Binds graph weight <paramref name="weight"/> (looked up as prefix + name) on <paramref name="backend"/>.</summary>
    /// <exception cref="WeightLoadException">Missing tensor, shape mismatch, or a dtype that cannot be converted.</exception>
    public BoundTensor Bind(Node weight, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(backend);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string key = _prefix + weight.Name;
        var (entry, file) = Entry(key);
        if (entry.Shape != weight.Shape)
        {
            throw new WeightLoadException($"{file.Path}: tensor '{key}' has shape {entry.Shape}, the graph expects {weight.Shape}");
        }
        lock (_gate)
        {
            if (!_bound.TryGetValue(backend, out var perBackend))
            {
                perBackend = new Dictionary<(string, DType), BoundTensor>();
                _bound[backend] = perBackend;
            }
            if (perBackend.TryGetValue((key, weight.DType), out var cached))
            {
                _used.Add(key);
                return cached;
            }
            var buffer = backend.Allocate(weight.Desc.ByteLength);
            try
            {
                Upload(entry, file, weight.DType, backend, buffer, key);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
            var bound = new BoundTensor(buffer, 0, new TensorDesc(weight.DType, weight.Shape));
            perBackend[(key, weight.DType)] = bound;
            _used.Add(key);
            return bound;
        }
    }

    /// <summary>Checkpoint keys never read or bound, in checkpoint order.</summary>
    public IReadOnlyList<string> UnusedKeys()
    {
        lock (_gate)
        {
            return _index.Names.Where(k => !_used.Contains(k)).ToArray();
        }
    }

    /// <summary>Throws if any checkpoint key was never used (lists up to 20 of them).</summary>
    /// <exception cref="WeightLoadException">Some keys are unused.</exception>
    public void ThrowIfUnused()
    {
        var unused = UnusedKeys();
        if (unused.Count > 0)
        {
            string more = unused.Count > 20 ? $", … ({unused.Count - 20} more)" : "";
            throw new WeightLoadException($"{Path}: {unused.Count} unused tensor(s): {string.Join(", ", unused.Take(20))}{more}");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var perBackend in _bound.Values)
        {
            foreach (var b in perBackend.Values)
            {
                b.Buffer.Dispose();
            }
        }
        _bound.Clear();
        _index.Dispose();
    }

    private (TensorEntry Entry, SafetensorsFile File) Entry(string key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _index.TryGet(key, out var entry, out var file)
            ? (entry, file)
            : throw new WeightLoadException($"{Path}: weight '{key}' not found");
    }

    private void MarkUsed(string key)
    {
        lock (_gate)
        {
            _used.Add(key);
        }
    }

    private static void Upload(TensorEntry entry, SafetensorsFile file, DType target, IBackend backend, DeviceBuffer buffer, string key)
    {
        var bytes = file.GetBytes(entry);
        if (entry.DType == target)
        {
            backend.Upload(bytes, buffer, 0);
            return;
        }
        bool sourceFloat = entry.DType.IsFloat() || entry.DType == DType.F8E4M3;
        if (!sourceFloat || !target.IsFloat())
        {
            throw new WeightLoadException($"{file.Path}: tensor '{key}' is {entry.DType.SafetensorsName()}, the graph expects {target.SafetensorsName()}; only float types convert");
        }
        var values = new float[entry.ElementCount];
        if (entry.DType == DType.F8E4M3)
        {
            Float8E4M3.ToSingle(bytes, values);
        }
        else
        {
            NumericConvert.ToSingle(entry.DType, bytes, values);
        }
        var converted = new byte[entry.ElementCount * target.SizeInBytes()];
        NumericConvert.FromSingle(values, target, converted);
        backend.Upload(converted, buffer, 0);
    }
}
