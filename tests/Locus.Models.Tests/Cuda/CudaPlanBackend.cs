using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda;

namespace Locus.Models.Tests.Cuda;

/// <summary>
/// A stand-in for <see cref="CudaBackend"/> on a machine without a GPU: <see cref="Supports"/> answers as the CUDA backend does
/// (its kernel table: every kernel's node check), activations default to bf16 as on CUDA, and nodes either run on the CPU
/// backend as well (<c>execute: true</c>: real values, small models) or not (plan only, for full-size models: buffers hold no
/// memory, uploads are dropped, downloads read zeros). Either way every node first goes through the CUDA launchers on a
/// dry-run context (<see cref="CudaKernelContext.DryRun"/>: each launch's grid, block, shared memory, kernel entry and
/// cuBLASLt shape checked, nothing launched). Allocated
/// bytes are tracked (<see cref="PeakBytes"/>) as a lower bound on the device memory the same run needs.
/// </summary>
internal sealed class CudaPlanBackend : IBackend
{
    private readonly CudaKernelContext _dry = CudaKernelContext.DryRun(checkArguments: NvrtcCompiler.IsAvailable(out _));
    private readonly KernelTable _cuda;
    private readonly CpuBackend _cpu = new();
    private readonly object _gate = new();
    private long _live;
    private ulong _nextAddress = 0x1_0000_0000UL;

    public CudaPlanBackend(bool execute)
    {
        _execute = execute;
        _cuda = CudaBackend.BuildTable(_dry);
    }

    private readonly bool _execute;

    public string Name => _execute ? "cuda-plan (on cpu)" : "cuda-plan (no-op)";

    public DType PreferredActivationType => DType.BF16;

    /// <summary>Most bytes allocated at once.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>Nodes executed (or, plan only, issued).</summary>
    public long NodesIssued { get; private set; }

    /// <summary>Kernel launches the dry run checked.</summary>
    public long LaunchesChecked => _dry.DryLaunches;

    /// <summary>Scratch and cuBLASLt workspace the CUDA launchers would keep (<see cref="CudaKernelContext.DryScratchBytes"/>).</summary>
    public long ScratchBytes => _dry.DryScratchBytes;

    public DeviceBuffer Allocate(long byteLength)
    {
        lock (_gate)
        {
            _live += byteLength;
            PeakBytes = Math.Max(PeakBytes, _live);
            if (byteLength > (64L << 20) && Environment.GetEnvironmentVariable("LOCUS_PLAN_TRACE") is not null)
            {
                var frames = new System.Diagnostics.StackTrace().GetFrames().Skip(1).Select(f => f.GetMethod()).Where(m => m?.DeclaringType?.Namespace?.StartsWith("Locus.Models") == true && m.DeclaringType.Namespace != "Locus.Models.Tests.Cuda")
                    .Take(4).Select(m => m!.DeclaringType!.Name + "." + m.Name);
                Console.Error.WriteLine($"alloc {byteLength / 1048576.0:F0} MiB live {_live / 1073741824.0:F2} GiB  {string.Join(" < ", frames)}");
            }
        }
        ulong address;
        lock (_gate)
        {
            address = _nextAddress;
            _nextAddress += ((ulong)byteLength + 511) / 256 * 256;
        }
        return new PlanBuffer(this, byteLength, _execute ? _cpu.Allocate(byteLength) : null, address);
    }

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset)
    {
        if (Inner(destination) is { } b)
        {
            _cpu.Upload(source, b, byteOffset);
        }
    }

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (Inner(source) is { } b)
        {
            _cpu.Download(b, byteOffset, destination);
        }
        else
        {
            destination.Clear();
        }
    }

    /// <summary>CUDA's answer first (the point of this backend), then the CPU's when nodes really run here.</summary>
    public bool Supports(Node node, out string? reason)
    {
        if (!_cuda.Supports(node, out reason))
        {
            reason = "CUDA: " + reason;
            return false;
        }
        return !_execute || _cpu.Supports(node, out reason);
    }

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        NodesIssued++;
        _cuda.Execute(node, sources, output, aux);   // the CUDA launchers on the dry-run context: checks only
        if (!_execute)
        {
            return;
        }
        var src = new BoundTensor[sources.Length];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = Unwrap(sources[i]);
        }
        _cpu.Execute(node, src, Unwrap(output), aux is { } a ? Unwrap(a) : null);
    }

    public void Synchronize()
    {
    }

    public void Dispose()
    {
        _dry.Dispose();
        _cpu.Dispose();
    }

    private static DeviceBuffer? Inner(DeviceBuffer buffer) => ((PlanBuffer)buffer).Inner;

    private static BoundTensor Unwrap(BoundTensor t) => new(Inner(t.Buffer)!, t.ByteOffset, t.Desc);

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _live -= bytes;
        }
    }

    private sealed class PlanBuffer(CudaPlanBackend owner, long byteLength, DeviceBuffer? inner, ulong address) : DeviceBuffer(byteLength), IDeviceMemory
    {
        public DeviceBuffer? Inner { get; } = inner;

        public ulong DevicePointer => address;

        protected override void Free()
        {
            Inner?.Dispose();
            owner.Release(ByteLength);
        }
    }
}
