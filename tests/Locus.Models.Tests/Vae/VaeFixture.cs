using System.Text.Json;
using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Tests.Scheduling;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>tests/fixtures/diffusers/vae_flux_tiny: config, reference tensors, and a helper that runs a VAE graph on the CPU.</summary>
internal static class VaeFixture
{
    // README.md "Tolerances": VAE rtol 2e-5 (≈ 20× the measured fp32-vs-fp64 round-off of 1.1e-6), also per intermediate.
    public const double RelativeTolerance = 2e-5;

    private static readonly Lazy<Dictionary<string, (int[] Shape, float[] Values)>> s_io = new(() =>
        FixtureFiles.ReadF32(FixtureFiles.Diffusers("vae_flux_tiny", "io.safetensors")));

    private static readonly Lazy<Dictionary<string, (int[] Shape, float[] Values)>> s_intermediates = new(() =>
        FixtureFiles.ReadF32(FixtureFiles.Diffusers("vae_flux_tiny", "intermediates.safetensors")));

    public static string WeightsPath => FixtureFiles.Diffusers("vae_flux_tiny", "weights.safetensors");

    public static Dictionary<string, (int[] Shape, float[] Values)> Io => s_io.Value;

    public static Dictionary<string, (int[] Shape, float[] Values)> Intermediates => s_intermediates.Value;

    /// <summary>The exact diffusers config dict of the case, parsed by <see cref="AutoencoderKlConfig.FromJsonText"/>.</summary>
    public static AutoencoderKlConfig Config()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Diffusers("vae_flux_tiny", "CASE.json")));
        return AutoencoderKlConfig.FromJsonText(doc.RootElement.GetProperty("config").GetRawText(), "vae_flux_tiny/CASE.json");
    }

    public static HostTensor Tensor((int[] Shape, float[] Values) t) => HostTensor.FromFloats(new Shape(t.Shape), t.Values);

    /// <summary>
    /// Builds the graph, runs it once on <see cref="CpuBackend"/> and returns the outputs plus any node whose name is in
    /// <paramref name="capture"/> (read inside the executor callback). Skips the test if the backend lacks a kernel.
    /// </summary>
    public static Dictionary<string, float[]> Run(
        WeightStore weights, GraphBuilder g, Node[] outputs, IReadOnlyDictionary<string, HostTensor> inputs, IEnumerable<string>? capture = null)
    {
        var wanted = new HashSet<string>(capture ?? [], StringComparer.Ordinal);
        Executor executor;
        try
        {
            executor = new Executor(g.Build(outputs), new CpuBackend(), weights);
        }
        catch (NotSupportedException e)
        {
            Assert.Skip($"CPU backend lacks a kernel: {e.Message}");
            throw;
        }
        using (executor)
        {
            foreach (var (name, value) in inputs)
            {
                executor.SetInput(name, value);
            }
            var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
            executor.Run((node, ex) =>
            {
                if (wanted.Contains(node.Name))
                {
                    result[node.Name] = ex.Read(node).ToFloatArray();
                }
            }, TestContext.Current.CancellationToken);
            foreach (var o in outputs)
            {
                result[o.Name] = executor.Read(o).ToFloatArray();
            }
            return result;
        }
    }

    /// <summary>Asserts max|ours − ref| ≤ rtol·max|ref| and that nothing is NaN.</summary>
    public static void AssertClose(float[] expected, float[] actual, string what, double rtol = RelativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]) || float.IsInfinity(actual[i]), $"{what}: element {i} is {actual[i]}");
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs(actual[i] - (double)expected[i]));
        }
        Assert.True(maxErr <= rtol * maxRef, $"{what}: max |ours − ref| = {maxErr:E3} > {rtol:E1}·{maxRef:F4}");
    }
}
