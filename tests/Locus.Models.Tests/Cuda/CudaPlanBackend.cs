using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda;

namespace Locus.Models.Tests.Cuda;

/// <summary>
/// A <see cref="CudaDryRunBackend"/> whose nodes also run on the CPU backend: CUDA's kernel checks and dry-run launch checks
/// (with argument sizes when NVRTC is installed) on real values, for the tiny models. Each buffer is a dry-run address paired
/// with CPU memory.
/// </summary>
internal sealed class CudaPlanBackend : IBackend
{
    private readonly CudaDryRunBackend _dry = new(checkArguments: NvrtcCompiler.IsAvailable(out _));
    private readonly CpuBackend _cpu = new();

    public string Name => "cuda (dry run) + cpu";

    public DType PreferredActivationType => _dry.PreferredActivationType;

    /// <summary>Nodes executed.</summary>
    public long NodesIssued => _dry.NodesIssued;

    /// <summary>Kernel launches the dry run checked.</summary>
    public long LaunchesChecked => _dry.Context.DryLaunches;

    public DeviceBuffer Allocate(long byteLength) => new PairedBuffer(_dry.Allocate(byteLength), _cpu.Allocate(byteLength));

    public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset) => _cpu.Upload(source, Cpu(destination), byteOffset);

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => _cpu.Download(Cpu(source), byteOffset, destination);

    /// <summary>CUDA's answer first (the point of this backend), then the CPU's.</summary>
    public bool Supports(Node node, out string? reason)
    {
        if (!_dry.Supports(node, out reason))
        {
            reason = "CUDA: " + reason;
            return false;
        }
        return _cpu.Supports(node, out reason);
    }

    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        _dry.Execute(node, sources, output, aux);   // the CUDA launchers on the dry-run context: checks only
        var src = new BoundTensor[sources.Length];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = OnCpu(sources[i]);
        }
        _cpu.Execute(node, src, OnCpu(output), aux is { } a ? OnCpu(a) : null);
    }

    public void Synchronize()
    {
    }

    public void Dispose()
    {
        _dry.Dispose();
        _cpu.Dispose();
    }

    private static DeviceBuffer Cpu(DeviceBuffer buffer) => ((PairedBuffer)buffer).Cpu;

    private static BoundTensor OnCpu(BoundTensor t) => new(Cpu(t.Buffer), t.ByteOffset, t.Desc);

    private sealed class PairedBuffer(DeviceBuffer dry, DeviceBuffer cpu) : DeviceBuffer(cpu.ByteLength), IDeviceMemory
    {
        public DeviceBuffer Cpu { get; } = cpu;

        public ulong DevicePointer => ((IDeviceMemory)dry).DevicePointer;

        protected override void Free()
        {
            dry.Dispose();
            Cpu.Dispose();
        }
    }
}
