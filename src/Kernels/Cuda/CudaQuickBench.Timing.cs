using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

public static unsafe partial class CudaQuickBench
{
    /// <summary>Median milliseconds per call of <paramref name="body"/> over <paramref name="batches"/> event-timed batches (after warm-up).</summary>
    public static double TimeMs(CudaKernelContext ctx, Action body, int batches)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(body);
        body();
        ctx.Context.Synchronize();
        // calibrate: about 20 ms per batch
        var sw = System.Diagnostics.Stopwatch.StartNew();
        body();
        ctx.Context.Synchronize();
        int reps = (int)Math.Clamp(20.0 / Math.Max(sw.Elapsed.TotalMilliseconds, 1e-3), 1, 200);
        nint start, end;
        CudaException.Check(CuDriver.cuEventCreate(&start, 0));
        CudaException.Check(CuDriver.cuEventCreate(&end, 0));
        try
        {
            var times = new List<double>();
            for (int b = 0; b < batches; b++)
            {
                CudaException.Check(CuDriver.cuEventRecord(start, ctx.Stream));
                for (int r = 0; r < reps; r++)
                {
                    body();
                }
                CudaException.Check(CuDriver.cuEventRecord(end, ctx.Stream));
                CudaException.Check(CuDriver.cuEventSynchronize(end));
                times.Add(Elapsed(start, end) / reps);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        finally
        {
            _ = CuDriver.cuEventDestroy(start);
            _ = CuDriver.cuEventDestroy(end);
        }
    }

    private static float Elapsed(nint start, nint end)
    {
        float ms;
        try
        {
            CudaException.Check(CuDriver.cuEventElapsedTimeV2(&ms, start, end));
        }
        catch (EntryPointNotFoundException)
        {
            CudaException.Check(CuDriver.cuEventElapsedTimeV1(&ms, start, end));
        }
        return ms;
    }
}
