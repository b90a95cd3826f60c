using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;

namespace Locus.Kernels.Cuda.Ops;

/// <summary>
/// Runs a node on the CPU backend: waits for the stream, copies the (contiguous) sources to host buffers, executes the CPU
/// kernel, copies the outputs back. Used for KMeans, TopK and LargestComponent (small maps, sequential algorithms).
/// </summary>
internal static class HostOps
{
    private static readonly CpuBackend s_cpu = new();

    public static string? Check(Node node) => s_cpu.Supports(node, out string? why) ? null : "host fallback: " + why;

    public static void Run(CudaKernelContext ctx, Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var buffers = new List<CpuBuffer>();
        try
        {
            var host = new BoundTensor[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                var s = sources[i];
                if (!s.Layout.IsContiguous)
                {
                    throw new InvalidOperationException($"{node.Op} '{node.Name}': host fallback needs contiguous source {i}, got {s.Desc}");
                }
                var b = new CpuBuffer(s.Desc.ByteLength);
                buffers.Add(b);
                ctx.CopyToHost(CudaKernelContext.Pointer(s), b.Bytes(0, s.Desc.ByteLength));
                host[i] = new BoundTensor(b, 0, new Engine.Tensors.TensorDesc(s.DType, s.Shape));
            }
            var outBuf = new CpuBuffer(output.Desc.ByteLength);
            buffers.Add(outBuf);
            var hostOut = new BoundTensor(outBuf, 0, new Engine.Tensors.TensorDesc(output.DType, output.Shape));
            BoundTensor? hostAux = null;
            CpuBuffer? auxBuf = null;
            if (aux is { } a)
            {
                auxBuf = new CpuBuffer(a.Desc.ByteLength);
                buffers.Add(auxBuf);
                hostAux = new BoundTensor(auxBuf, 0, new Engine.Tensors.TensorDesc(a.DType, a.Shape));
            }
            s_cpu.Execute(node, host, hostOut, hostAux);
            ctx.CopyToDevice(outBuf.Bytes(0, output.Desc.ByteLength), CudaKernelContext.Pointer(output));
            if (aux is { } a2)
            {
                ctx.CopyToDevice(auxBuf!.Bytes(0, a2.Desc.ByteLength), CudaKernelContext.Pointer(a2));
            }
        }
        finally
        {
            foreach (var b in buffers)
            {
                b.Dispose();
            }
        }
    }
}
