using System.Diagnostics;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Benchmarks;

/// <summary>Stopwatch side-by-side SGEMM comparison (<c>Locus.Benchmarks quick [m n k] [seconds]</c>), for quick tuning runs.</summary>
public static class QuickGemm
{
    /// <summary>Runs ours and OpenBLAS alternately for about <paramref name="seconds"/> each and prints GFLOP/s.</summary>
    public static void Run(int m, int n, int k, double seconds)
    {
        var rng = new Random(1);
        float[] a = Fill(rng, m * k), b = Fill(rng, k * n), c = new float[m * n];
        double ours = Measure(() => Sgemm.Multiply(m, n, k, a, k, b, n, false, c, n), m, n, k, seconds);
        string line = $"sgemm {m}x{n}x{k} ({Sgemm.KernelName}, {Sgemm.MaxThreads} threads): {ours:F1} GFLOP/s";
        if (OpenBlas.IsAvailable)
        {
            OpenBlas.SetThreads(Sgemm.MaxThreads);
            double blas = Measure(() => OpenBlas.Sgemm(m, n, k, a, k, b, n, false, c, n), m, n, k, seconds);
            line += $", OpenBLAS ({OpenBlas.CoreName}): {blas:F1} GFLOP/s, ratio {ours / blas:F2}";
        }
        Console.WriteLine(line);
    }

    private static double Measure(Action run, int m, int n, int k, double seconds)
    {
        run();
        var sw = Stopwatch.StartNew();
        int reps = 0;
        double best = double.MaxValue;
        while (sw.Elapsed.TotalSeconds < seconds || reps < 3)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
            reps++;
        }
        return 2.0 * m * n * k / best / 1e9;
    }

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
