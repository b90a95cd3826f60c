using Locus.Engine.Backends;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Common;
using Locus.Models.MmDit;
using Locus.Models.Scheduling;
using Locus.Models.Vae;

namespace Locus.Models.Editing;

/// <summary>
/// The edit pipeline (design §5): built once from a model folder and a backend, reusable for many edits. Owns the weight
/// stores (device copies of the weights), the optional region adapter and the planned transformer sessions, which are
/// rebuilt only when the token layout or the graph options change. Edits run one at a time.
/// </summary>
public sealed partial class EditPipeline : IDisposable
{
    private readonly IBackend _backend;
    private readonly EditBackbone _model;
    private readonly ModelWeights _transformerWeights;
    private readonly ModelWeights _vaeWeights;
    private readonly WeightStore? _adapterStore;
    private readonly IImageVae _vae;
    private readonly FlowMatchEulerScheduler _scheduler;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, StepGraph> _sessions = new(StringComparer.Ordinal);
    private bool _disposed;

    private EditPipeline(ModelFolder? folder, EditModelKind kind, IBackend backend, DType dtype, EditBackbone model, IImageVae vae, ModelWeights transformer,
        ModelWeights vaeWeights, FlowMatchSchedulerConfig scheduler, RegionAdapterConfig? adapterConfig, WeightStore? adapterStore)
    {
        Folder = folder;
        Kind = kind;
        _backend = backend;
        DType = dtype;
        _model = model;
        _transformerWeights = transformer;
        _vaeWeights = vaeWeights;
        _vae = vae;
        AdapterConfig = adapterConfig;
        _adapterStore = adapterStore;
        _scheduler = new FlowMatchEulerScheduler(scheduler);
    }

    /// <summary>The model folder, or null for a synthetic (random-weight) pipeline.</summary>
    public ModelFolder? Folder { get; }

    /// <summary>The model family.</summary>
    public EditModelKind Kind { get; }

    /// <summary>Activation dtype of the graphs.</summary>
    public DType DType { get; }

    /// <summary>The FLUX transformer config (Kontext), else null.</summary>
    public FluxTransformerConfig? Config => (_model as KontextBackbone)?.Config;

    /// <summary>The Qwen-Image transformer config (Qwen-Image-Edit), else null.</summary>
    public QwenImageTransformerConfig? QwenConfig => (_model as QwenBackbone)?.Config;

    /// <summary>The region adapter's config when the pipeline was opened with one, else null.</summary>
    public RegionAdapterConfig? AdapterConfig { get; }

    /// <summary>VAE spatial downsampling factor.</summary>
    public int VaeFactor => _vae.DownsampleFactor;

    /// <summary>
    /// Opens a model folder (<see cref="ModelFolder"/>: FLUX.1-Kontext or Qwen-Image-Edit) on <paramref name="backend"/> (not
    /// owned), optionally with a region adapter folder (<c>region_adapter.json</c> + <c>region_adapter.safetensors</c>,
    /// see <see cref="RegionAdapterFiles"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Bad folder layout, inconsistent configs, or an adapter that does not fit the backbone (names the file).</exception>
    /// <exception cref="LocusException">Malformed config or weights.</exception>
    public static EditPipeline Open(string modelFolder, IBackend backend, DType dtype = DType.F32, string? adapterFolder = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var folder = ModelFolder.Open(modelFolder);
        var owned = new List<IDisposable>();
        try
        {
            EditBackbone model;
            IImageVae vae;
            ModelWeights vaeWeights;
            var transformer = ModelWeights.FromStore(WeightStore.Open(folder.TransformerDir));
            owned.Add(transformer);
            if (folder.Kind == EditModelKind.FluxKontext)
            {
                model = new KontextBackbone(FluxTransformerConfig.FromJson(folder.TransformerConfig));
                vaeWeights = ModelWeights.FromStore(WeightStore.Open(folder.VaeDir));
                owned.Add(vaeWeights);
                vae = new AutoencoderKl(AutoencoderKlConfig.FromJson(folder.VaeConfig), vaeWeights.Catalog).For(backend, dtype);
            }
            else
            {
                model = new QwenBackbone(QwenImageTransformerConfig.FromJson(folder.TransformerConfig));
                var view = new QwenImageVaeWeights(WeightStore.Open(folder.VaeDir), ownsStore: true);
                vaeWeights = ModelWeights.FromView(view);
                owned.Add(vaeWeights);
                var qwenVae = new QwenImageVae(QwenImageVaeConfig.FromJson(folder.VaeConfig), view).For(backend, dtype);
                qwenVae.CheckCheckpoint();
                vae = qwenVae;
            }
            CheckVae(folder.Root, model, vae);
            RegionAdapterConfig? adapterConfig = null;
            WeightStore? adapterStore = null;
            if (adapterFolder is not null)
            {
                (adapterConfig, adapterStore) = RegionAdapterFiles.Open(adapterFolder);
                owned.Add(adapterStore);
                CheckAdapter(adapterFolder, adapterConfig, model);
            }
            return new EditPipeline(folder, folder.Kind, backend, dtype, model, vae, transformer, vaeWeights, folder.Scheduler, adapterConfig, adapterStore);
        }
        catch
        {
            owned.ForEach(o => o.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A FLUX.1-Kontext pipeline with random weights generated on the fly (no files; <see cref="RandomWeights"/>) at the given
    /// transformer and VAE shapes: for end-to-end benchmarks at real model sizes. Outputs are meaningless.
    /// </summary>
    public static EditPipeline Synthetic(FluxTransformerConfig transformer, AutoencoderKlConfig vae, IBackend backend, DType dtype, FlowMatchSchedulerConfig? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(vae);
        return Synthetic(EditModelKind.FluxKontext, new KontextBackbone(transformer), c => new AutoencoderKl(vae, c).For(backend, dtype), backend, dtype,
            scheduler ?? FlowMatchSchedulerConfig.FluxKontext);
    }

    /// <summary>A Qwen-Image-Edit pipeline with random weights (no files) at the given shapes, for end-to-end benchmarks.</summary>
    public static EditPipeline Synthetic(QwenImageTransformerConfig transformer, QwenImageVaeConfig vae, IBackend backend, DType dtype, FlowMatchSchedulerConfig? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(vae);
        return Synthetic(EditModelKind.QwenImageEdit, new QwenBackbone(transformer), c => new QwenImageVae(vae, c).For(backend, dtype), backend, dtype,
            scheduler ?? FlowMatchSchedulerConfig.QwenImage);
    }

    private static EditPipeline Synthetic(EditModelKind kind, EditBackbone model, Func<IWeightCatalog, IImageVae> vae, IBackend backend, DType dtype,
        FlowMatchSchedulerConfig scheduler)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var weightType = dtype == DType.F32 ? DType.F32 : DType.BF16;
        var t = ModelWeights.FromRandom(new RandomWeights(weightType, seed: 1));
        var v = ModelWeights.FromRandom(new RandomWeights(weightType, seed: 2));
        var autoencoder = vae(v.Catalog);
        CheckVae("synthetic model", model, autoencoder);
        return new EditPipeline(null, kind, backend, dtype, model, autoencoder, t, v, scheduler, null, null);
    }

    /// <summary>
    /// Runs one edit on a worker thread. Progress is reported after every denoising step. Cancellation is checked
    /// between graph nodes and steps; a cancelled edit disposes its executors (and the cached sessions) and the
    /// pipeline stays usable.
    /// </summary>
    /// <exception cref="ArgumentException">A bad request (names the field, file or tensor).</exception>
    /// <exception cref="PromptEmbeddingsException">Embeddings that do not fit the model.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<EditResult> EditAsync(EditRequest request, IProgress<EditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await Task.Run(() => Edit(request, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous form of <see cref="EditAsync"/> (same exceptions).</summary>
    public EditResult Edit(EditRequest request, IProgress<EditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _gate.Wait(cancellationToken);
        try
        {
            return RunEdit(request, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            DropSessions();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        DropSessions();
        _transformerWeights.Dispose();
        _vaeWeights.Dispose();
        _adapterStore?.Dispose();
        _gate.Dispose();
    }

    private static void CheckVae(string root, EditBackbone model, IImageVae vae)
    {
        if (vae.LatentChannels * 4 != model.PackedChannels || model.OutputChannels != model.PackedChannels)
        {
            throw new ArgumentException($"{root}: VAE latent_channels {vae.LatentChannels} × 4 must equal the transformer in_channels {model.PackedChannels} "
                + $"(and out_channels {model.OutputChannels})", "modelFolder");
        }
        if (vae.InChannels != 3 || vae.OutChannels != 3)
        {
            throw new ArgumentException($"{root}: the VAE must map 3 image channels (in {vae.InChannels}, out {vae.OutChannels})", "modelFolder");
        }
    }

    private static void CheckAdapter(string dir, RegionAdapterConfig a, EditBackbone model)
    {
        string file = Path.Combine(dir, RegionAdapterFiles.ConfigFile);
        if (a.HiddenSize != model.InnerDim || a.LatentChannels != model.PackedChannels || a.TextFeatures != model.JointDim)
        {
            throw new ArgumentException($"{file}: the adapter (hidden_size {a.HiddenSize}, latent_channels {a.LatentChannels}, text features {a.TextFeatures}) "
                + $"does not fit the backbone (inner dim {model.InnerDim}, in_channels {model.PackedChannels}, joint_attention_dim {model.JointDim}); "
                + "stacked text-encoder layers (text_layers > 1) need embeddings this version cannot load", "adapterFolder");
        }
        foreach (int block in a.AdaptedBlocks)
        {
            if (block < 0 || block >= model.BlockCount)
            {
                throw new ArgumentException($"{file}: adapted block {block} is outside the backbone's {model.BlockCount} blocks", "adapterFolder");
            }
        }
    }
}
