namespace Locus.Kernels.Cpu.Core;

/// <summary>Range splitting for the fast kernels: one call inline when small, else a few chunks per core.</summary>
internal static class CpuParallel
{
    /// <summary>Calls <paramref name="body"/>(start, end) over [0, count); chunks of at least <paramref name="grain"/> items.</summary>
    public static void For(long count, long grain, Action<long, long> body)
    {
        if (count <= 0)
        {
            return;
        }
        int cores = Environment.ProcessorCount;
        long chunks = Math.Min((count + Math.Max(grain, 1) - 1) / Math.Max(grain, 1), cores * 4L);
        if (chunks <= 1 || cores == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, chunks, c => body(count * c / chunks, count * (c + 1) / chunks));
    }
}
