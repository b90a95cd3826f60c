using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda;

/// <summary>
/// The CUDA backend planned on a machine without a GPU: its kernel table (every kernel's node check) on a
/// <see cref="CudaKernelContext.DryRun"/> context, so every node goes through its launcher and each launch is checked, not sent.
/// Buffers are addresses only (no memory); uploads are dropped and downloads read zeros. <see cref="PeakBytes"/> plus
/// <see cref="CudaKernelContext.DryScratchBytes"/> is a lower bound on the device memory the same run needs (the CUDA context
/// and kernel modules are not counted). Activations default to bf16, as on CUDA.
/// </summary>
public sealed class CudaDryRunBackend : IBackend
{
    private readonly KernelTable _table;
    private readonly Lock _gate = new();
    private ulong _nextAddress = 0x1_0000_0000UL;
    private long _live;

    /// <param name="checkArguments">Also compare each launch's argument sizes with the kernel's PTX (needs NVRTC).</param>
    /// <param name="multiprocessors">SM count the grid heuristics assume (132: H100 SXM).</param>
    public CudaDryRunBackend(bool checkArguments = false, int multiprocessors = 132)
    {
        Context = CudaKernelContext.DryRun(multiprocessors, checkArguments);
        _table = CudaBackend.BuildTable(Context);
    }

    /// <summary>The dry-run context (launches, GEMMs and scratch checked so far).</summary>
    public CudaKernelContext Context { get; }

    public string Name => "cuda (dry run)";

    public DType PreferredActivationType => DType.BF16;

    /// <summary>Most bytes allocated at once.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>Nodes sent through their launchers.</summary>
    public long NodesIssued { get; private set; }

    public DeviceBuffer Allocate(long byteLength)
    {
        lock (_gate)
        {
            _live += byteLength;
            PeakBytes = Math.Max(PeakBytes, _live);
            ulong address = _nextAddress;
            _nextAddress += ((ulong)byteLength + 511) / 256 * 256;   // 256-byte aligned and distinct, as cuMemAlloc's
            return new AddressBuffer(this, byteLength, address);
        }
    }

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset)
    {
    }

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => destination.Clear();

    public bool Supports(Node node, out string? reason) => _table.Supports(node, out reason);

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        NodesIssued++;
        _table.Execute(node, sources, output, aux);
    }

    public void Synchronize()
    {
    }

    public void Dispose() => Context.Dispose();

    private sealed class AddressBuffer(CudaDryRunBackend owner, long byteLength, ulong address) : DeviceBuffer(byteLength), IDeviceMemory
    {
        public ulong DevicePointer => address;

        protected override void Free()
        {
            lock (owner._gate)
            {
                owner._live -= ByteLength;
            }
        }
    }
}
