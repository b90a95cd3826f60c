using Locus.Engine.Graph;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>Tiny Qwen-Image VAE configs, seeded random 5-D checkpoints in temp files, and a CPU graph runner.</summary>
internal static class QwenImageVaeTestData
{
    /// <summary>base_dim 8, z_dim 4, dim_mult (1, 2, 4, 4) → 8× (decoder dims 32, 32, 32, 16, 8), the real module layout.</summary>
    public static QwenImageVaeConfig Tiny(int numResBlocks = 2, double[]? attnScales = null, bool[]? temporal = null) => new()
    {
        BaseDim = 8,
        ZDim = 4,
        DimMult = [1, 2, 4, 4],
        NumResBlocks = numResBlocks,
        AttnScales = attnScales ?? [],
        TemperalDownsample = temporal ?? [false, true, true],
        LatentsMean = [0.25, -0.5, 0.125, 1.5],
        LatentsStd = [2.0, 0.5, 1.25, 3.0],
    };

    /// <summary>
    /// Random tensors for every key of <see cref="QwenImageVaeParameters.Shapes"/>: conv weights ~ N(0, 1)/√(I·kh·kw) on
    /// EVERY temporal tap (so a wrong tap choice changes the result), gammas 1 + 0.1·N, biases 0.1·N.
    /// </summary>
    public static Dictionary<string, HostTensor> RandomWeights(QwenImageVaeConfig config, long seed, float convOutGain = 1f)
    {
        var result = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        var shapes = QwenImageVaeParameters.Shapes(config);
        for (int i = 0; i < shapes.Count; i++)
        {
            var (key, shape) = shapes[i];
            var t = SeededNoise.Normal(shape, (seed * 104_729) + i);
            var v = t.AsSpan<float>();
            bool gamma = key.EndsWith(".gamma", StringComparison.Ordinal);
            float scale = gamma || shape.Rank == 1 ? 0.1f
                : 1f / MathF.Sqrt(shape[1] * shape[^2] * shape[^1]);
            if (key == "decoder.conv_out.weight")
            {
                scale *= convOutGain;
            }
            for (int k = 0; k < v.Length; k++)
            {
                v[k] = (gamma ? 1f : 0f) + (scale * v[k]);
            }
            result[key] = t;
        }
        return result;
    }

    /// <summary>Writes <paramref name="tensors"/> to a new temp safetensors file; the caller deletes it.</summary>
    public static string WriteTemp(IReadOnlyDictionary<string, HostTensor> tensors)
    {
        string path = Path.Combine(Path.GetTempPath(), $"locus-qwenvae-{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return path;
    }

    /// <summary>Runs <paramref name="outputs"/> once on the CPU backend with <paramref name="weights"/> as provider.</summary>
    public static float[][] Run(QwenImageVaeWeights weights, GraphBuilder g, Node[] outputs, IReadOnlyDictionary<string, HostTensor> inputs)
    {
        using var backend = new CpuBackend();
        using var executor = new Executor(g.Build(outputs), backend, weights);
        foreach (var (name, value) in inputs)
        {
            executor.SetInput(name, value);
        }
        executor.Run(null, TestContext.Current.CancellationToken);
        return outputs.Select(o => executor.Read(o).ToFloatArray()).ToArray();
    }

    /// <summary>An oracle clip [C, 1, H, W] from an F32 tensor [1, C, H, W].</summary>
    public static QwenImageVaeOracle.Clip ToClip(HostTensor x) =>
        new(x.Shape[1], 1, x.Shape[2], x.Shape[3], x.ToFloatArray().Select(v => (double)v).ToArray());

    /// <summary>max |ours − ref| / max |ref| (NaN/Inf in ours → +∞).</summary>
    public static double RelativeError(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!float.IsFinite(actual[i]))
            {
                return double.PositiveInfinity;
            }
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs(actual[i] - expected[i]));
        }
        return maxErr / maxRef;
    }
}
