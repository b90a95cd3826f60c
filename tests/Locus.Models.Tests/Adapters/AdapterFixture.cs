using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Adapters;
using Locus.Models.Common;

namespace Locus.Models.Tests.Adapters;

/// <summary>A tiny adapter with random weights (every tensor, biases included) written to a temp file, and a CPU runner.</summary>
internal sealed class AdapterFixture : IDisposable
{
    public AdapterFixture(RegionAdapterConfig? config = null, int seed = 7)
        : this(config ?? Tiny, RandomValues(config ?? Tiny, seed))
    {
    }

    /// <summary>An adapter file holding <paramref name="values"/> (one array per tensor of the config).</summary>
    public AdapterFixture(RegionAdapterConfig config, Dictionary<string, float[]> values)
    {
        Config = config;
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"locus-adapter-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        Values = new Dictionary<string, float[]>(values, StringComparer.Ordinal);
        var tensors = RegionAdapterWeights.Shapes(Config).Select(p => new KeyValuePair<string, HostTensor>(p.Key, HostTensor.FromFloats(p.Value, Values[p.Key])));
        Path_ = System.IO.Path.Combine(Directory, RegionAdapterFiles.WeightsFile);
        SafetensorsWriter.Write(Path_, tensors);
        Store = WeightStore.Open(Path_);
    }

    /// <summary>D = 8 (2 heads × 4), F = 16, D_g = 4, N_q = 3, g = 2, T_d = 5, 1 fusion layer, D_m = 4, P = 2, C_lat = 6, block 0.</summary>
    public static RegionAdapterConfig Tiny => new()
    {
        HiddenSize = 8, Heads = 2, HeadDim = 4, FfnDim = 16, GateDim = 4, InstructionTokens = 3, MaskGrid = 2, TextDim = 5,
        TextLayers = 1, FusionLayers = 1, PredictorDim = 4, PredictorGrid = 2, LatentChannels = 6, AdaptedBlocks = [0], Dilation = 1,
    };

    public RegionAdapterConfig Config { get; }

    public string Directory { get; }

    public string Path_ { get; }

    public WeightStore Store { get; }

    public Dictionary<string, float[]> Values { get; }

    public WeightScope Root(GraphBuilder g) => new WeightScope(g, new WeightStoreCatalog(Store)).Push(RegionAdapterWeights.Prefix);

    public static Dictionary<string, float[]> RandomValues(RegionAdapterConfig config, int seed)
    {
        var rng = new Random(seed);
        return RegionAdapterWeights.Shapes(config).ToDictionary(p => p.Key, p => Random(rng, (int)p.Value.ElementCount, 0.5), StringComparer.Ordinal);
    }

    public static float[] Random(Random rng, int n, double scale)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return v;
    }

    /// <summary>Runs <paramref name="outputs"/> on the CPU backend and returns their values.</summary>
    public float[][] Run(GraphBuilder g, Node[] outputs, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        using var executor = new Executor(g.Build(outputs), new CpuBackend(), Store);
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
        executor.Run();
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }

    public void Dispose()
    {
        Store.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
