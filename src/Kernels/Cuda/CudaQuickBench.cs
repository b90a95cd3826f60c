namespace Locus.Kernels.Cuda;

/// <summary>Plain console CUDA benchmarks (CUDA events; median of repetitions) for <c>locus kernels bench</c>.</summary>
public static partial class CudaQuickBench
{
    /// <summary>Runs every figure and prints one line each.</summary>
    public static void Run(TextWriter output, bool quick)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("not implemented yet" + (quick ? "" : ""));
    }
}
