using BenchmarkDotNet.Running;

namespace Locus.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/Locus.Benchmarks -- --filter '*Gemm*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
