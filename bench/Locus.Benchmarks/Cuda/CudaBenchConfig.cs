using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using Locus.Kernels.Cuda;

namespace Locus.Benchmarks.Cuda;

/// <summary>Filters every CUDA benchmark out (cleanly, with a console note) when no GPU is usable.</summary>
public sealed class CudaBenchConfig : ManualConfig
{
    public CudaBenchConfig()
    {
        bool ok = CudaBackend.IsAvailable(out string reason);
        if (!ok)
        {
            Console.WriteLine("CUDA benchmarks skipped: " + reason);
        }
        AddFilter(new SimpleFilter(_ => ok));
    }
}
