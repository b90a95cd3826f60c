using System.Globalization;
using BenchmarkDotNet.Running;

namespace Locus.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*Gemm*'</c>, or
/// <c>-- quick [m n k [seconds]]</c> for a Stopwatch SGEMM comparison against OpenBLAS.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
        {
            int[] s = args.Skip(1).Take(3).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            double seconds = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 3;
            if (args.Length > 5)
            {
                Locus.Kernels.Cpu.Gemm.Sgemm.MaxThreads = int.Parse(args[5], CultureInfo.InvariantCulture);
            }
            QuickGemm.Run(s.Length == 3 ? s[0] : 1024, s.Length == 3 ? s[1] : 1024, s.Length == 3 ? s[2] : 1024, seconds);
            return;
        }
        if (args.Length > 0 && args[0] == "quick-attention")
        {
            int[] s = args.Skip(1).Take(2).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            if (args.Length > 4)
            {
                Locus.Kernels.Cpu.Gemm.Sgemm.MaxThreads = int.Parse(args[4], CultureInfo.InvariantCulture);
            }
            QuickAttention.Run(s.Length == 2 ? s[0] : 4096, s.Length == 2 ? s[1] : 128, args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 3);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
