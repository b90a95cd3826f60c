// The single-image (T = 1) reduction of AutoencoderKLQwenImage's causal Conv3d weights (diffusers
// autoencoder_kl_qwenimage.py @ 071190da, QwenImageCausalConv3d): time padding is (2·p, 0), so on one frame every tap
// but the last multiplies zeros and a [O, I, kt, kh, kw] Conv3d equals a Conv2d with weight[:, :, kt − 1].
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.Vae;

/// <summary>
/// A Qwen-Image VAE checkpoint seen at T = 1: as <see cref="IWeightCatalog"/> every 5-D tensor [O, I, kt, kh, kw] is
/// reported as its last temporal tap [O, I, kh, kw] (3×3×3 → [:, :, 2], 1×1×1 → [:, :, 0]); other tensors keep their
/// stored shape. As <see cref="IWeightProvider"/> it binds those 4-D slices (sliced on the host once per backend and
/// dtype, owned by this object) and everything else through the underlying <see cref="WeightStore"/>. Pass the same
/// object to <see cref="QwenImageVae"/> and to the <see cref="Executor"/>.
/// </summary>
public sealed class QwenImageVaeWeights : IWeightCatalog, IWeightProvider, IDisposable
{
    private readonly WeightStore _store;
    private readonly WeightStoreCatalog _stored;
    private readonly bool _ownsStore;
    private readonly Dictionary<IBackend, Dictionary<(string, DType), BoundTensor>> _bound = new(ReferenceEqualityComparer.Instance);
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Wraps <paramref name="store"/> (keys relative to its key prefix); disposes it when <paramref name="ownsStore"/>.</summary>
    public QwenImageVaeWeights(WeightStore store, bool ownsStore = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _stored = new WeightStoreCatalog(store);
        _ownsStore = ownsStore;
    }

    /// <summary>Opens a safetensors file, index or directory (e.g. a model folder's <c>vae/</c>) and owns the store.</summary>
    /// <exception cref="LocusException">The path cannot be opened as safetensors (see <see cref="WeightStore.Open"/>).</exception>
    public static QwenImageVaeWeights Open(string path, string keyPrefix = "") => new(WeightStore.Open(path, keyPrefix), ownsStore: true);

    /// <summary>The underlying store (used-key tracking, raw reads).</summary>
    public WeightStore Store => _store;

    /// <inheritdoc/>
    public string Source => _store.Path;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _stored.Keys;

    /// <summary>Dtype and T = 1 shape of <paramref name="key"/> (5-D tensors drop their temporal axis).</summary>
    public bool TryGetInfo(string key, out DType dtype, out Shape shape)
    {
        if (!TryGetStoredShape(key, out dtype, out var stored))
        {
            shape = default;
            return false;
        }
        shape = stored.Rank == 5 ? new Shape(stored[0], stored[1], stored[3], stored[4]) : stored;
        return true;
    }

    /// <summary>Dtype and shape of <paramref name="key"/> as stored in the checkpoint.</summary>
    public bool TryGetStoredShape(string key, out DType dtype, out Shape shape)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _stored.TryGetInfo(key, out dtype, out shape);
    }

    /// <summary>Binds <paramref name="weight"/>: the last temporal tap of a 5-D tensor, else the stored tensor.</summary>
    /// <exception cref="WeightLoadException">Missing tensor, a shape other than the T = 1 view, or a dtype that cannot be converted.</exception>
    public BoundTensor Bind(Node weight, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(backend);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TryGetStoredShape(weight.Name, out var dtype, out var stored))
        {
            throw new WeightLoadException($"{Source}: weight '{_store.KeyPrefix + weight.Name}' not found");
        }
        if (stored.Rank != 5)
        {
            return _store.Bind(weight, backend);
        }
        string key = _store.KeyPrefix + weight.Name;
        var view = new Shape(stored[0], stored[1], stored[3], stored[4]);
        if (view != weight.Shape)
        {
            throw new WeightLoadException($"{Source}: tensor '{key}' has shape {stored} (T = 1 view {view}), the graph expects {weight.Shape}");
        }
        if (!dtype.IsFloat() || !weight.DType.IsFloat())
        {
            throw new WeightLoadException($"{Source}: tensor '{key}' is {dtype.SafetensorsName()}, the graph expects {weight.DType.SafetensorsName()}; only float types convert");
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
                return cached;
            }
            var slice = LastTemporalTap(_store.Read(key));
            if (slice.DType != weight.DType)
            {
                slice = slice.ConvertTo(weight.DType);
            }
            var buffer = backend.Allocate(weight.Desc.ByteLength);
            try
            {
                backend.Upload(slice.Data, buffer, 0);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
            var bound = new BoundTensor(buffer, 0, new TensorDesc(weight.DType, weight.Shape));
            perBackend[(key, weight.DType)] = bound;
            return bound;
        }
    }

    /// <summary>x [O, I, kt, kh, kw] → x[:, :, kt − 1] as [O, I, kh, kw] (same dtype; a byte copy per (o, i)).</summary>
    public static HostTensor LastTemporalTap(HostTensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var s = x.Shape;
        if (s.Rank != 5)
        {
            throw new ArgumentException($"tensor {s} must be 5-D [O, I, kt, kh, kw]", nameof(x));
        }
        int kt = s[2];
        int plane = s[3] * s[4] * x.DType.SizeInBytes();
        long rows = (long)s[0] * s[1];
        var result = new HostTensor(x.DType, new Shape(s[0], s[1], s[3], s[4]));
        for (long r = 0; r < rows; r++)
        {
            Array.Copy(x.Data, ((r * kt) + kt - 1) * plane, result.Data, r * plane, plane);
        }
        return result;
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
        if (_ownsStore)
        {
            _store.Dispose();
        }
    }
}
