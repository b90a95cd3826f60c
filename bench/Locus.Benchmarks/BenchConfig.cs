using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Locus.Benchmarks;

/// <summary>
/// Short in-process job for the CPU kernel benchmarks: no generated project is built (several checkouts of this repository
/// may sit side by side), 1 launch, 2 warm-up and 6 measured iterations.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(6));
}
