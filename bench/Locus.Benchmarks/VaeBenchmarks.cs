using BenchmarkDotNet.Attributes;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Vae;

namespace Locus.Benchmarks;

/// <summary>
/// AutoencoderKL encode (posterior mean) and decode on the CpuBackend for a small FLUX-shaped config
/// (block_out_channels 32/64/128/128, 1 resnet per block, 16 latent channels, factor 8) with random weights
/// written to a temporary safetensors file. ImageSize is the square image side (latent side = ImageSize/8).
/// Run: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*VaeBenchmarks*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class VaeBenchmarks
{
    private static readonly AutoencoderKlConfig s_config = new()
    {
        BlockOutChannels = [32, 64, 128, 128],
        LayersPerBlock = 1,
        LatentChannels = 16,
        NormNumGroups = 8,
        ScalingFactor = 0.3611,
        ShiftFactor = 0.1159,
        UseQuantConv = false,
        UsePostQuantConv = false,
    };

    private string? _path;
    private WeightStore? _weights;
    private CpuBackend? _backend;
    private Executor? _encode, _decode;

    /// <summary>Image side in pixels.</summary>
    [Params(64, 256)]
    public int ImageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"locus-vae-bench-{Guid.NewGuid():N}.safetensors");
        var rng = new Random(20240601);
        var tensors = AutoencoderKlParameters.Shapes(s_config).Select(p =>
        {
            // Norm weights ≈ 1, biases small, kernels N(0, 1/fan_in) (the fixture's recipe, with a uniform stand-in).
            long fanIn = p.Value.Rank >= 2 ? p.Value.ElementCount / p.Value[0] : 0;
            bool norm = p.Key.Contains("norm", StringComparison.Ordinal) && p.Key.EndsWith(".weight", StringComparison.Ordinal);
            var values = new float[p.Value.ElementCount];
            for (int i = 0; i < values.Length; i++)
            {
                double u = rng.NextDouble() * 2 - 1;
                values[i] = (float)(norm ? 1 + 0.02 * u : fanIn > 0 ? u * Math.Sqrt(3.0 / fanIn) : 0.02 * u);
            }
            return new KeyValuePair<string, HostTensor>(p.Key, HostTensor.FromFloats(p.Value, values));
        });
        SafetensorsWriter.Write(_path, tensors);
        _weights = WeightStore.Open(_path);
        _backend = new CpuBackend();
        var vae = new AutoencoderKl(s_config, _weights);
        int f = s_config.DownsampleFactor;

        var ge = new GraphBuilder();
        var mean = vae.BuildEncodeMean(ge, ge.Input("image", DType.F32, new Shape(1, 3, ImageSize, ImageSize)));
        _encode = new Executor(ge.Build(mean), _backend, _weights);
        _encode.SetInput("image", HostTensor.FromFloats(new Shape(1, 3, ImageSize, ImageSize), Fill(rng, 3 * ImageSize * ImageSize)));

        var gd = new GraphBuilder();
        var image = vae.BuildDecode(gd, gd.Input("latent", DType.F32, new Shape(1, 16, ImageSize / f, ImageSize / f)));
        _decode = new Executor(gd.Build(image), _backend, _weights);
        _decode.SetInput("latent", HostTensor.FromFloats(new Shape(1, 16, ImageSize / f, ImageSize / f), Fill(rng, 16 * (ImageSize / f) * (ImageSize / f))));
    }

    [Benchmark]
    public void Encode() => _encode!.Run();

    [Benchmark]
    public void Decode() => _decode!.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _encode?.Dispose();
        _decode?.Dispose();
        _weights?.Dispose();
        _backend?.Dispose();
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }

    private static float[] Fill(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return values;
    }
}
