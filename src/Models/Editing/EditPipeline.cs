using Locus.Engine.Backends;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
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
    private readonly WeightStore _transformerStore;
    private readonly WeightStore _vaeStore;
    private readonly WeightStore? _adapterStore;
    private readonly AutoencoderKl _vae;
    private readonly FlowMatchEulerScheduler _scheduler;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, TransformerSession> _sessions = new(StringComparer.Ordinal);
    private bool _disposed;

    private EditPipeline(ModelFolder folder, IBackend backend, DType dtype, EditBackbone model, AutoencoderKl vae, WeightStore transformer, WeightStore vaeStore,
        RegionAdapterConfig? adapterConfig, WeightStore? adapterStore)
    {
        Folder = folder;
        _backend = backend;
        DType = dtype;
        _model = model;
        _transformerStore = transformer;
        _vaeStore = vaeStore;
        _vae = vae;
        AdapterConfig = adapterConfig;
        _adapterStore = adapterStore;
        _scheduler = new FlowMatchEulerScheduler(folder.Scheduler);
    }

    /// <summary>The model folder.</summary>
    public ModelFolder Folder { get; }

    /// <summary>Activation dtype of the graphs.</summary>
    public DType DType { get; }

    /// <summary>The FLUX transformer config (Kontext folders), else null.</summary>
    public FluxTransformerConfig? Config => (_model as KontextBackbone)?.Config;

    /// <summary>The region adapter's config when the pipeline was opened with one, else null.</summary>
    public RegionAdapterConfig? AdapterConfig { get; }

    /// <summary>VAE spatial downsampling factor.</summary>
    public int VaeFactor => _vae.Config.DownsampleFactor;

    /// <summary>
    /// Opens a model folder (<see cref="ModelFolder"/>) on <paramref name="backend"/> (not owned), optionally with a region
    /// adapter folder (<c>region_adapter.json</c> + <c>region_adapter.safetensors</c>, see <see cref="RegionAdapterFiles"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Bad folder layout, inconsistent configs, or an adapter that does not fit the backbone (names the file).</exception>
    /// <exception cref="NotSupportedException">A Qwen-Image-Edit folder (not in this version).</exception>
    /// <exception cref="LocusException">Malformed config or weights.</exception>
    public static EditPipeline Open(string modelFolder, IBackend backend, DType dtype = DType.F32, string? adapterFolder = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var folder = ModelFolder.Open(modelFolder);
        if (folder.Kind != EditModelKind.FluxKontext)
        {
            throw new NotSupportedException($"{folder.TransformerConfig}: Qwen-Image-Edit pipelines are not implemented yet (needs the Qwen-Image VAE); use a FLUX.1-Kontext folder");
        }
        var config = FluxTransformerConfig.FromJson(folder.TransformerConfig);
        var model = new KontextBackbone(config);
        var vaeConfig = AutoencoderKlConfig.FromJson(folder.VaeConfig);
        CheckVae(folder, model, vaeConfig.LatentChannels, vaeConfig.InChannels, vaeConfig.OutChannels, config.OutputChannels);
        var stores = new List<IDisposable>();
        try
        {
            var transformer = WeightStore.Open(folder.TransformerDir);
            stores.Add(transformer);
            var vae = WeightStore.Open(folder.VaeDir);
            stores.Add(vae);
            RegionAdapterConfig? adapterConfig = null;
            WeightStore? adapterStore = null;
            if (adapterFolder is not null)
            {
                (adapterConfig, adapterStore) = RegionAdapterFiles.Open(adapterFolder);
                stores.Add(adapterStore);
                CheckAdapter(adapterFolder, adapterConfig, model);
            }
            return new EditPipeline(folder, backend, dtype, model, new AutoencoderKl(vaeConfig, vae), transformer, vae, adapterConfig, adapterStore);
        }
        catch
        {
            stores.ForEach(s => s.Dispose());
            throw;
        }
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
        _transformerStore.Dispose();
        _vaeStore.Dispose();
        _adapterStore?.Dispose();
        _gate.Dispose();
    }

    private static void CheckVae(ModelFolder folder, EditBackbone model, int latentChannels, int inChannels, int outChannels, int transformerOut)
    {
        if (latentChannels * 4 != model.PackedChannels || transformerOut != model.PackedChannels)
        {
            throw new ArgumentException($"{folder.Root}: VAE latent_channels {latentChannels} × 4 must equal the transformer in_channels {model.PackedChannels} "
                + $"(and out_channels {transformerOut})", nameof(folder));
        }
        if (inChannels != 3 || outChannels != 3)
        {
            throw new ArgumentException($"{folder.VaeConfig}: the VAE must map 3 image channels (in {inChannels}, out {outChannels})", nameof(folder));
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
