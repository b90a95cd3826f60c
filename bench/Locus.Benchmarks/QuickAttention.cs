using System.Globalization;
using System.Reflection;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Benchmarks;

/// <summary>
/// Stopwatch CPU attention vs SGEMM (<c>Locus.Benchmarks quick-attention [n d [seconds [threads]]]</c>): q, k, v [1, 2, n, d]
/// f32 through the CpuBackend and a 1024³ SGEMM, run alternately (one of each per round, best kept) so that load changes
/// hit both alike. Unlike the in-process BenchmarkDotNet job, no thread runs at a raised priority, so the second worker
/// thread is not starved on a loaded machine. LOCUS_ATTENTION_WIDTH=128|256|512 forces the kernels of that vector width
/// (the kernel's internal test hook, set by reflection).
/// </summary>
public static class QuickAttention
{
    private const int H = 2, GemmSize = 1024;

    /// <summary>Prints attention GFLOP/s (4·H·n²·d per run), SGEMM GFLOP/s and their ratio.</summary>
    public static void Run(int n, int d, double seconds)
    {
        string? width = Environment.GetEnvironmentVariable("LOCUS_ATTENTION_WIDTH");
        if (width is not null)
        {
            typeof(CpuBackend).Assembly.GetType("Locus.Kernels.Cpu.Attention.FlashAttention", throwOnError: true)!
                .GetProperty("ForcedWidth", BindingFlags.NonPublic | BindingFlags.Static)!.SetValue(null, int.Parse(width, CultureInfo.InvariantCulture));
        }
        var g = new GraphBuilder();
        var shape = new Shape(1, H, n, d);
        var att = g.Attention(g.Input("q", DType.F32, shape), g.Input("k", DType.F32, shape), g.Input("v", DType.F32, shape), 1f / MathF.Sqrt(d));
        using var backend = new CpuBackend();
        using var executor = new Executor(g.Build([att, g.Aux(att)]), backend);
        var rng = new Random(2);
        foreach (string name in new[] { "q", "k", "v" })
        {
            executor.SetInput(name, HostTensor.FromFloats(shape, GemmBenchmarks.Fill(rng, (int)shape.ElementCount)));
        }
        float[] a = GemmBenchmarks.Fill(rng, GemmSize * GemmSize), b = GemmBenchmarks.Fill(rng, GemmSize * GemmSize), c = new float[GemmSize * GemmSize];
        Action attention = () => executor.Run();
        Action gemm = () => Sgemm.Multiply(GemmSize, GemmSize, GemmSize, a, GemmSize, b, GemmSize, false, c, GemmSize);
        var (bestAtt, bestGemm) = QuickGemm.Interleaved(attention, gemm, seconds);
        double attGflops = 4.0 * H * n * n * d / bestAtt / 1e9, gemmGflops = 2.0 * GemmSize * GemmSize * GemmSize / bestGemm / 1e9;
        Console.WriteLine($"attention [1, {H}, {n}, {d}] f32 ({Sgemm.MaxThreads} threads, width {width ?? "auto"}): {bestAtt * 1e3:F2} ms, {attGflops:F1} GFLOP/s; "
            + $"sgemm {GemmSize}³ ({Sgemm.KernelName}): {gemmGflops:F1} GFLOP/s; ratio {attGflops / gemmGflops:F2}");
    }
}
