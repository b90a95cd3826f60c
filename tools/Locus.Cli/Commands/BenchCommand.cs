using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Locus.Kernels.Cpu.Gemm;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus bench gemm</c>: a few-second Stopwatch comparison of the CPU SGEMM against OpenBLAS's cblas_sgemm (loaded
/// dynamically from libopenblas.so.0 when installed) at the same thread count. The BenchmarkDotNet suite is bench/Locus.Benchmarks.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "Matrix size n for an n×n×n product", DefaultValueFactory = _ => 1024 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per implementation", DefaultValueFactory = _ => 2.0 };
        var threads = new Option<int>("--threads") { Description = "Threads for both (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var gemm = new Command("gemm", "SGEMM n³ GFLOP/s: Locus vs OpenBLAS (same thread count).") { size, seconds, threads };
        gemm.SetAction(parse => CliErrors.Run(() => RunGemm(parse.GetValue(size), parse.GetValue(seconds), parse.GetValue(threads), Console.Out)));
        return new Command("bench", "Quick CPU micro-benchmarks (the recorded figures come from bench/Locus.Benchmarks).") { gemm };
    }

    /// <summary>Measures both and prints one line; returns the exit code.</summary>
    /// <exception cref="ArgumentException">A size, time or thread count is out of range.</exception>
    public static int RunGemm(int n, double seconds, int threads, TextWriter output)
    {
        if (n < 1 || n > 16384)
        {
            throw new ArgumentException($"--size {n} must be in [1, 16384]", nameof(n));
        }
        if (!(seconds > 0 && seconds <= 600))
        {
            throw new ArgumentException($"--seconds {seconds} must be in (0, 600]", nameof(seconds));
        }
        if (threads < 1)
        {
            throw new ArgumentException($"--threads {threads} must be at least 1", nameof(threads));
        }
        var rng = new Random(1);
        float[] a = Fill(rng, n * n), b = Fill(rng, n * n), c = new float[n * n];
        int saved = Sgemm.MaxThreads;
        Sgemm.MaxThreads = threads;
        try
        {
            double ours = Measure(() => Sgemm.Multiply(n, n, n, a, n, b, n, false, c, n), n, seconds);
            string head = $"sgemm {n}³: {ours:F1} GFLOP/s";
            if (OpenBlasGemm.TryLoad(out var blas))
            {
                blas.SetThreads(threads);
                double theirs = Measure(() => blas.Multiply(n, a, b, c), n, seconds);
                output.WriteLine($"{head}, OpenBLAS: {theirs:F1} GFLOP/s, ratio {ours / theirs:F2}");
                output.WriteLine($"  (Locus {Sgemm.KernelName}; OpenBLAS core {blas.CoreName}; {threads} thread(s); " +
                    $"OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset"})");
            }
            else
            {
                output.WriteLine($"{head} (OpenBLAS not installed: libopenblas.so.0 not found; install libopenblas0-pthread to compare)");
            }
        }
        finally
        {
            Sgemm.MaxThreads = saved;
        }
        return 0;
    }

    private static double Measure(Action run, int n, double seconds)
    {
        run();
        var sw = Stopwatch.StartNew();
        double best = double.MaxValue;
        for (int reps = 0; sw.Elapsed.TotalSeconds < seconds || reps < 2; reps++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
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

    /// <summary>cblas_sgemm resolved at run time, so the CLI has no hard dependency on OpenBLAS.</summary>
    private sealed unsafe class OpenBlasGemm
    {
        private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
        private readonly delegate* unmanaged<int, void> _setThreads;
        private readonly delegate* unmanaged<nint> _coreName;

        private OpenBlasGemm(nint lib)
        {
            _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(lib, "cblas_sgemm");
            _setThreads = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "openblas_set_num_threads");
            _coreName = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "openblas_get_corename");
        }

        public string CoreName => Marshal.PtrToStringAnsi(_coreName()) ?? "?";

        public static bool TryLoad(out OpenBlasGemm blas)
        {
            blas = null!;
            if (!NativeLibrary.TryLoad("libopenblas.so.0", out nint lib))
            {
                return false;
            }
            blas = new OpenBlasGemm(lib);
            return true;
        }

        public void SetThreads(int threads) => _setThreads(threads);

        // SAFETY: a, b, c hold n·n floats each (allocated by RunGemm).
        public void Multiply(int n, float[] a, float[] b, float[] c)
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                _sgemm(101, 111, 111, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
            }
        }
    }
}
