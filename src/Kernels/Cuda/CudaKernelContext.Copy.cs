using Locus.Kernels.Cuda.Interop;

namespace Locus.Kernels.Cuda;

public sealed unsafe partial class CudaKernelContext
{
    /// <summary>Copies device bytes at <paramref name="source"/> to the host after all queued work (synchronous).</summary>
    public void CopyToHost(ulong source, Span<byte> destination)
    {
        if (IsDryRun)
        {
            destination.Clear();
            return;
        }
        var ctx = Context;
        ctx.MakeCurrent();
        // SAFETY: the span stays pinned until the stream synchronisation, after which the copy is complete.
        fixed (byte* p = destination)
        {
            CudaException.Check(CuDriver.cuMemcpyDtoHAsync(p, source, (nuint)destination.Length, ctx.Stream));
            CudaException.Check(CuDriver.cuStreamSynchronize(ctx.Stream));
        }
    }

    /// <summary>Copies host bytes to <paramref name="destination"/> in stream order (synchronous).</summary>
    public void CopyToDevice(ReadOnlySpan<byte> source, ulong destination)
    {
        if (IsDryRun)
        {
            return;
        }
        var ctx = Context;
        ctx.MakeCurrent();
        // SAFETY: the span stays pinned until the stream synchronisation, after which the copy is complete.
        fixed (byte* p = source)
        {
            CudaException.Check(CuDriver.cuMemcpyHtoDAsync(destination, p, (nuint)source.Length, ctx.Stream));
            CudaException.Check(CuDriver.cuStreamSynchronize(ctx.Stream));
        }
    }

    /// <summary>Device-to-device copy on the stream (asynchronous).</summary>
    public void CopyDevice(ulong source, ulong destination, long bytes)
    {
        if (IsDryRun)
        {
            return;
        }
        var ctx = Context;
        ctx.MakeCurrent();
        CudaException.Check(CuDriver.cuMemcpyDtoDAsync(destination, source, (nuint)bytes, ctx.Stream));
    }
}
