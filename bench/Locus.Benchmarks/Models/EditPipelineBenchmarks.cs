using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.Editing;
using Locus.Models.MmDit;
using Locus.Models.Pipelines;
using Locus.Models.Vae;

namespace Locus.Benchmarks.Models;

/// <summary>
/// The edit pipeline per stage on the CPU (issue #8 item 7), on the tiny Kontext model (<see cref="TinyKontextModel"/>: 1 double +
/// 1 single block, D = 32; VAE 16/32/32 channels, factor 4) at a Size² source image, 32 text tokens:
/// <list type="bullet">
/// <item><c>Encode</c>, <c>Step</c>, <c>Decode</c>: each stage alone, built from the same public pieces and shapes as
/// <see cref="EditPipeline"/> (the VAE stages build, bind and run their graph per call, as the pipeline does per edit; the step is
/// one transformer forward of the planned session the pipeline reuses).</item>
/// <item><c>Edit</c> (no mask) and <c>EditPredictedMask</c> (a random region adapter with the MaskPredictor, so the once-per-edit
/// prelude runs and the steps are adapted): the whole edit with <see cref="Steps"/> steps; GlobalCleanup prints the mean
/// <see cref="EditResult.Timings"/> per stage.</item>
/// </list>
/// Run: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*EditPipeline*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class EditPipelineBenchmarks : IDisposable
{
    private const int TextTokens = 32;
    private readonly Dictionary<string, List<EditTimings>> _timings = [];
    private string _dir = "";
    private CpuBackend? _backend;
    private EditPipeline? _plain;
    private EditPipeline? _adapted;
    private WeightStore? _vaeStore;
    private WeightStore? _transformerStore;
    private AutoencoderKl? _vae;
    private TransformerSession? _session;
    private Dictionary<string, HostTensor> _stepInputs = [];
    private Rgb8Image? _image;
    private HostTensor? _imageTensor;
    private HostTensor? _packed;
    private PromptEmbeddings? _embeds;

    /// <summary>Source image side in pixels (latent Size/4, packed tokens (Size/8)² target + the same reference).</summary>
    [Params(128, 256)]
    public int Size { get; set; } = 128;

    /// <summary>Denoising steps of the whole-edit benchmarks.</summary>
    public int Steps { get; set; } = 4;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"locus-bench-edit-{Guid.NewGuid():N}");
        string model = TinyKontextModel.Write(Path.Combine(_dir, "model"), seed: 3);
        string adapter = Path.Combine(_dir, "adapter");
        RegionAdapterFiles.WriteRandom(RegionAdapterFiles.ForBackbone(model), adapter, seed: 4, DType.F32);
        _backend = new CpuBackend();
        _plain = EditPipeline.Open(model, _backend);
        _adapted = EditPipeline.Open(model, _backend, DType.F32, adapter);
        var rgb = new byte[Size * Size * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)(i * 7 % 251);
        }
        _image = new Rgb8Image(Size, Size, rgb);
        _imageTensor = ImageTensors.ToTensor(_image);                                           // [1, 3, S, S]
        _embeds = TinyKontextModel.RandomEmbeddings(TextTokens, 9);

        // The stages alone: the VAE and one transformer session at the pipeline's shapes.
        var folder = ModelFolder.Open(model);
        _vaeStore = WeightStore.Open(folder.VaeDir);
        _vae = new AutoencoderKl(AutoencoderKlConfig.FromJson(folder.VaeConfig), _vaeStore).For(_backend, DType.F32);   // the pipeline's form
        _transformerStore = WeightStore.Open(folder.TransformerDir);
        var config = FluxTransformerConfig.FromJson(folder.TransformerConfig);
        int grid = Size / _vae.Config.DownsampleFactor / 2, nt = grid * grid;
        var seq = new SequenceLayout(1, TextTokens, nt, nt);
        _session = TransformerSession.Flux(config, _transformerStore, seq, _backend, DType.F32);
        var (cos, sin) = RopeTables.Flux(new HostTensor(DType.F32, new Shape(TextTokens, 3)), LatentPacking.KontextImageIds(grid, grid, grid, grid), config.AxesDimsRope);
        _stepInputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["hidden_states"] = SeededNoise.Normal(new Shape(1, 2 * nt, config.InChannels), 5),  // [1, nt + nr, 4C]
            ["encoder_hidden_states"] = _embeds.Embeds,
            ["pooled_projections"] = _embeds.Pooled!,
            ["timestep"] = HostTensor.FromFloats(new Shape(1), [0.75f]),
            ["guidance"] = HostTensor.FromFloats(new Shape(1), [3.5f]),
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        _packed = SeededNoise.Normal(new Shape(1, nt, config.InChannels), 6);                   // [1, nt, 4C]
    }

    /// <summary>VAE encode of the source into packed reference tokens (graph built and bound per call, as per edit).</summary>
    [Benchmark]
    public HostTensor Encode()
    {
        var g = new GraphBuilder();
        var x = g.Input("image", DType.F32, _imageTensor!.Shape);                                // [1, 3, S, S]
        var packed = LatentPacking.Pack(g, _vae!.ToTransformerLatent(g, _vae.BuildEncodeMean(g, x))); // [1, nt, 4C]
        using var executor = new Executor(g.Build(packed), _backend!, _vaeStore!);
        executor.SetInput("image", _imageTensor);
        executor.Run();
        return executor.Read(packed);
    }

    /// <summary>One denoising step: a transformer forward of the cached session (target + reference + text tokens).</summary>
    [Benchmark]
    public HostTensor Step() => _session!.Run(_stepInputs);

    /// <summary>VAE decode of packed target tokens into an image (graph built and bound per call, as per edit).</summary>
    [Benchmark]
    public HostTensor Decode()
    {
        int h = Size / _vae!.Config.DownsampleFactor;
        var g = new GraphBuilder();
        var x = g.Input("latents", DType.F32, _packed!.Shape);                                   // [1, nt, 4C]
        var image = _vae.BuildDecode(g, _vae.FromTransformerLatent(g, LatentPacking.Unpack(g, x, h, h))); // [1, 3, S, S]
        using var executor = new Executor(g.Build(image), _backend!, _vaeStore!);
        executor.SetInput("latents", _packed);
        executor.Run();
        return executor.Read(image);
    }

    /// <summary>The whole edit, no mask (prepare, encode, <see cref="Steps"/> steps, decode).</summary>
    [Benchmark]
    public EditResult Edit() => Record(nameof(Edit), _plain!.Edit(new EditRequest { Image = _image!, Embeddings = _embeds!, Steps = Steps, Seed = 1 }));

    /// <summary>The whole edit with the region adapter and its predicted mask (adds the mask stage and adapted steps).</summary>
    [Benchmark]
    public EditResult EditPredictedMask() => Record(nameof(EditPredictedMask),
        _adapted!.Edit(new EditRequest { Image = _image!, Embeddings = _embeds!, Steps = Steps, Seed = 1, Mask = MaskSource.Predicted }));

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var (name, list) in _timings)
        {
            static string Ms(IEnumerable<TimeSpan> t) => $"{t.Average(x => x.TotalMilliseconds),8:F2} ms";
            Console.WriteLine($"// EditPipeline Size={Size} {name} ({list.Count} edits, {Steps} steps): prepare {Ms(list.Select(t => t.Prepare))}, "
                + $"encode {Ms(list.Select(t => t.Encode))}, mask {Ms(list.Select(t => t.Mask))}, steps {Ms(list.Select(t => t.Steps))} "
                + $"({list.Average(t => t.Steps.TotalMilliseconds) / Steps:F2} ms/step), decode {Ms(list.Select(t => t.Decode))}, total {Ms(list.Select(t => t.Total))}");
        }
        _timings.Clear();
        _session?.Dispose();
        _transformerStore?.Dispose();
        _vaeStore?.Dispose();
        _plain?.Dispose();
        _adapted?.Dispose();
        _backend?.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    private EditResult Record(string name, EditResult result)
    {
        if (!_timings.TryGetValue(name, out var list))
        {
            _timings[name] = list = [];
        }
        list.Add(result.Timings);
        return result;
    }
}
