using Locus.Engine.Backends;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Scheduling;
using Locus.Models.Vae;

namespace Locus.Models.Editing;

/// <summary>
/// The edit pipeline (design §5): built once from a model folder and a backend, reusable for many edits. Owns the
/// weight stores (device copies of the weights) and one planned transformer session, rebuilt only when the token
/// layout or GRAG wiring changes. Edits run one at a time. Kontext flow only in this slice (Qwen folders throw).
/// </summary>
public sealed partial class EditPipeline : IDisposable
{
    private readonly IBackend _backend;
    private readonly WeightStore _transformerStore;
    private readonly WeightStore _vaeStore;
    private readonly AutoencoderKl _vae;
    private readonly FlowMatchEulerScheduler _scheduler;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TransformerSession? _session;
    private string? _sessionKey;
    private bool _disposed;

    private EditPipeline(ModelFolder folder, IBackend backend, DType dtype, FluxTransformerConfig config, AutoencoderKlConfig vaeConfig,
        WeightStore transformer, WeightStore vae)
    {
        Folder = folder;
        _backend = backend;
        DType = dtype;
        Config = config;
        _transformerStore = transformer;
        _vaeStore = vae;
        _vae = new AutoencoderKl(vaeConfig, vae);
        _scheduler = new FlowMatchEulerScheduler(folder.Scheduler);
    }

    /// <summary>The model folder.</summary>
    public ModelFolder Folder { get; }

    /// <summary>Activation dtype of the graphs.</summary>
    public DType DType { get; }

    /// <summary>The transformer config.</summary>
    public FluxTransformerConfig Config { get; }

    /// <summary>The VAE config.</summary>
    public AutoencoderKlConfig VaeConfig => _vae.Config;

    /// <summary>Opens a model folder (<see cref="ModelFolder"/>) on <paramref name="backend"/> (not owned).</summary>
    /// <exception cref="ArgumentException">Bad folder layout or inconsistent configs (names the file).</exception>
    /// <exception cref="NotSupportedException">A Qwen-Image-Edit folder (not in this version).</exception>
    /// <exception cref="LocusException">Malformed config or weights.</exception>
    public static EditPipeline Open(string modelFolder, IBackend backend, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var folder = ModelFolder.Open(modelFolder);
        if (folder.Kind != EditModelKind.FluxKontext)
        {
            throw new NotSupportedException($"{folder.TransformerConfig}: Qwen-Image-Edit pipelines are not implemented yet (needs the Qwen-Image VAE); use a FLUX.1-Kontext folder");
        }
        var config = FluxTransformerConfig.FromJson(folder.TransformerConfig);
        var vaeConfig = AutoencoderKlConfig.FromJson(folder.VaeConfig);
        if (vaeConfig.LatentChannels * 4 != config.InChannels || config.OutputChannels != config.InChannels)
        {
            throw new ArgumentException($"{folder.Root}: VAE latent_channels {vaeConfig.LatentChannels} × 4 must equal the transformer in_channels {config.InChannels} "
                + $"(and out_channels {config.OutputChannels})", nameof(modelFolder));
        }
        if (vaeConfig.InChannels != 3 || vaeConfig.OutChannels != 3)
        {
            throw new ArgumentException($"{folder.VaeConfig}: the VAE must map 3 image channels (in {vaeConfig.InChannels}, out {vaeConfig.OutChannels})", nameof(modelFolder));
        }
        var transformer = WeightStore.Open(folder.TransformerDir);
        WeightStore? vae = null;
        try
        {
            vae = WeightStore.Open(folder.VaeDir);
            return new EditPipeline(folder, backend, dtype, config, vaeConfig, transformer, vae);
        }
        catch
        {
            vae?.Dispose();
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one edit on a worker thread. Progress is reported after every denoising step. Cancellation is checked
    /// between graph nodes and steps; a cancelled edit disposes its executors (and the cached session) and the
    /// pipeline stays usable.
    /// </summary>
    /// <exception cref="ArgumentException">A bad request (names the field, file or tensor).</exception>
    /// <exception cref="PromptEmbeddingsException">Embeddings that do not fit the model.</exception>
    /// <exception cref="NotSupportedException">A mask source not implemented yet.</exception>
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
            return RunKontext(request, progress, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            DropSession();
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
        DropSession();
        _transformerStore.Dispose();
        _vaeStore.Dispose();
        _gate.Dispose();
    }

    private TransformerSession Session(SequenceLayout seq, GragSettings? grag)
    {
        string layers = grag is null ? "-" : grag.Layers is null ? "all" : string.Join(",", grag.Layers.Order());
        string key = $"{seq}|{layers}";
        if (_session is not null && _sessionKey == key)
        {
            return _session;
        }
        DropSession();
        var options = grag is null ? null : new GragOptions { Layers = grag.Layers };
        _session = TransformerSession.Flux(Config, _transformerStore, seq, _backend, DType, options);
        _sessionKey = key;
        return _session;
    }

    private void DropSession()
    {
        _session?.Dispose();
        _session = null;
        _sessionKey = null;
    }
}
