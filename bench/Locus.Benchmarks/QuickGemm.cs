using System.Diagnostics;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Benchmarks;

/// <summary>
/// Stopwatch side-by-side SGEMM comparison (<c>Locus.Benchmarks quick [m n k] [seconds]</c>), for quick tuning runs.
/// <c>LOCUS_SGEMM_KERNEL=avx512|avx2|v128|scalar</c> forces Locus's micro-kernel; <c>LOCUS_SGEMM_KERNEL=v128:avx2</c> compares
/// two Locus kernels (the second in OpenBLAS's place).
/// </summary>
public static class QuickGemm
{
    /// <summary>Runs ours and OpenBLAS alternately for about <paramref name="seconds"/> each and prints GFLOP/s.</summary>
    public static void Run(int m, int n, int k, double seconds)
    {
        var rng = new Random(1);
        float[] a = Fill(rng, m * k), b = Fill(rng, k * n), c = new float[m * n];
        string[] forced = (Environment.GetEnvironmentVariable("LOCUS_SGEMM_KERNEL") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        using var scope = forced.Length > 0 ? Sgemm.ForceKernel(ParseKernel(forced[0])) : null;
        Action ours = () => Sgemm.Multiply(m, n, k, a, k, b, n, false, c, n);
        Action? theirs = null;
        string theirName = "OpenBLAS";
        if (forced.Length > 1)
        {
            SgemmKernel other = ParseKernel(forced[1]);
            using (Sgemm.ForceKernel(other))
            {
                theirName = $"Locus {Sgemm.KernelName}";
            }
            theirs = () =>
            {
                using (Sgemm.ForceKernel(other))
                {
                    Sgemm.Multiply(m, n, k, a, k, b, n, false, c, n);
                }
            };
        }
        else if (OpenBlas.IsAvailable)
        {
            OpenBlas.SetThreads(Sgemm.MaxThreads);
            theirs = () => OpenBlas.Sgemm(m, n, k, a, k, b, n, false, c, n);
        }
        var (bestOurs, bestTheirs) = Interleaved(ours, theirs, seconds);
        double flop = 2.0 * m * n * k / 1e9;
        string line = $"sgemm {m}x{n}x{k} ({Sgemm.KernelName}, {Sgemm.MaxThreads} threads): {flop / bestOurs:F1} GFLOP/s";
        if (theirs is not null)
        {
            string name = forced.Length > 1 ? theirName : $"OpenBLAS ({OpenBlas.CoreName})";
            line += $", {name}: {flop / bestTheirs:F1} GFLOP/s, ratio {bestTheirs / bestOurs:F2}";
        }
        Console.WriteLine(line);
    }

    /// <summary>Best time of each, measured alternately (one run of each per round) so that load changes hit both alike.</summary>
    internal static (double Ours, double Theirs) Interleaved(Action ours, Action? theirs, double seconds)
    {
        ours();
        theirs?.Invoke();
        double bestOurs = double.MaxValue, bestTheirs = double.MaxValue;
        var sw = Stopwatch.StartNew();
        for (int round = 0; sw.Elapsed.TotalSeconds < 2 * seconds || round < 3; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ours();
            bestOurs = Math.Min(bestOurs, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            if (theirs is not null)
            {
                t0 = Stopwatch.GetTimestamp();
                theirs();
                bestTheirs = Math.Min(bestTheirs, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
        }
        return (bestOurs, bestTheirs);
    }

    private static SgemmKernel ParseKernel(string name) => name switch
    {
        "avx512" => SgemmKernel.Avx512,
        "avx2" => SgemmKernel.Avx2,
        "v128" => SgemmKernel.Vector128,
        "scalar" => SgemmKernel.Scalar,
        _ => throw new ArgumentException($"LOCUS_SGEMM_KERNEL: unknown kernel '{name}' (avx512, avx2, v128, scalar)", nameof(name)),
    };

    private static float[] Fill(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(rng.NextDouble() - 0.5);
        }
        return v;
    }
}
