using System.Diagnostics;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Models.Common;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    private bool _backboneLoaded;
    private bool _adapterLoaded;

    /// <summary>
    /// Uploads every weight (transformer, VAE and the region adapter when the pipeline has one) to the backend now, so the
    /// first edit starts at once; without it the first edit does this itself (reported as <see cref="EditStage.Load"/>).
    /// Idempotent. Progress: <see cref="EditStage.Load"/> reports with <see cref="EditProgress.BytesLoaded"/> of
    /// <see cref="EditProgress.BytesTotal"/> (Step / StepCount count tensors). Synthetic (random-weight) pipelines generate
    /// their weights on first use instead. Cancellation is checked between tensors; what was uploaded stays.
    /// </summary>
    /// <exception cref="LocusException">A tensor cannot be read or converted (names the file and tensor).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public void Load(IProgress<EditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _gate.Wait(cancellationToken);
        try
        {
            _ = LoadWeights(adapter: _adapterStore is not null, progress, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asynchronous form of <see cref="Load"/> (runs on a worker thread; same exceptions).</summary>
    public Task LoadAsync(IProgress<EditProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(progress, cancellationToken), cancellationToken);

    /// <summary>Binds every stored weight of the backbone (and of the adapter when <paramref name="adapter"/>) not bound yet; false when there was none.</summary>
    private bool LoadWeights(bool adapter, IProgress<EditProgress>? progress, CancellationToken ct)
    {
        var parts = new List<(IWeightCatalog Catalog, IWeightProvider Provider)>();
        if (!_backboneLoaded)
        {
            parts.Add((_transformerWeights.Catalog, _transformerWeights.Provider));
            parts.Add((_vaeWeights.Catalog, _vaeWeights.Provider));
        }
        if (adapter && !_adapterLoaded && _adapterStore is not null)
        {
            parts.Add((new WeightStoreCatalog(_adapterStore), _adapterStore));
        }
        // Synthetic catalogs know their keys only once a graph declared them: they are generated on first use.
        var work = parts.Where(p => p.Catalog is not ISyntheticWeightCatalog)
            .SelectMany(p => p.Catalog.Keys.Select(key => (p.Provider, Weight: Declare(p.Catalog, key)))).ToArray();
        if (work.Length > 0)
        {
            long total = work.Sum(w => w.Weight.Desc.ByteLength), done = 0;
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            progress?.Report(new EditProgress(0, work.Length, TimeSpan.Zero) { Stage = EditStage.Load, BytesTotal = total });
            for (int i = 0; i < work.Length; i++)
            {
                ct.ThrowIfCancellationRequested();
                var (provider, weight) = work[i];
                provider.Bind(weight, _backend);   // uploads once; cached by the store
                done += weight.Desc.ByteLength;
                if (progress is not null && (i == work.Length - 1 || clock.Elapsed - lastReport >= TimeSpan.FromMilliseconds(100)))
                {
                    lastReport = clock.Elapsed;
                    progress.Report(new EditProgress(i + 1, work.Length, clock.Elapsed) { Stage = EditStage.Load, BytesLoaded = done, BytesTotal = total });
                }
            }
        }
        _backboneLoaded = true;
        _adapterLoaded |= adapter;
        return work.Length > 0;
    }

    /// <summary>The weight node of <paramref name="key"/> with its stored dtype and shape (what the model graphs declare).</summary>
    private static Node Declare(IWeightCatalog catalog, string key) =>
        catalog.TryGetInfo(key, out var dtype, out var shape) ? new GraphBuilder().Weight(key, dtype, shape)
            : throw new WeightLoadException($"{catalog.Source}: tensor '{key}' is listed but has no entry");
}
