using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>
/// Every shared parity case through the CUDA launchers on a dry-run context (no GPU): each launch's grid, block, shared
/// memory, kernel entry and, with NVRTC here, its argument sizes against the kernel's PTX parameters. The GPU session's
/// <see cref="CudaParityTests"/> then checks the values.
/// </summary>
public sealed class CudaDryRunParityCasesTests
{
    [Theory]
    [MemberData(nameof(CudaParityTests.Cases), MemberType = typeof(CudaParityTests))]
    public void Case_EveryLaunchPassesTheDryRun(string name)
    {
        var c = OpCases.All.First(x => x.Name == name);
        var g = new GraphBuilder();
        var graph = g.Build(c.Build(g));
        using var backend = new DryCudaBackend(NvrtcCompiler.IsAvailable(out _));
        var refused = graph.Nodes.Where(n => !n.IsLeaf && !n.IsView && !backend.Supports(n, out _)).ToArray();
        Assert.SkipWhen(refused.Length > 0, $"CUDA refuses {string.Join(", ", refused.Select(n => n.Op).Distinct())} here (a case for other backends)");
        using var executor = new Executor(graph, backend);
        foreach (var input in graph.Inputs)
        {
            executor.SetInput(input.Name, new HostTensor(input.DType, input.Shape));
        }
        executor.Run(null, TestContext.Current.CancellationToken);
        // KMeans, TopK and LargestComponent run on the host (HostOps): they launch nothing.
        bool deviceWork = graph.Nodes.Any(n => !n.IsLeaf && !n.IsView && n.Op is not (OpKind.KMeans or OpKind.TopK or OpKind.LargestComponent));
        Assert.True(!deviceWork || backend.Context.DryLaunches + backend.Context.DryGemms > 0, $"{name}: no launch or GEMM was checked");
    }

    /// <summary>The CUDA kernel table on a dry-run context; buffers are addresses only.</summary>
    private sealed class DryCudaBackend : IBackend
    {
        private readonly KernelTable _table;
        private ulong _next = 0x1_0000_0000UL;

        public DryCudaBackend(bool checkArguments)
        {
            Context = CudaKernelContext.DryRun(checkArguments: checkArguments);
            _table = CudaBackend.BuildTable(Context);
        }

        public CudaKernelContext Context { get; }

        public string Name => "cuda-dry-run";

        public DType PreferredActivationType => DType.BF16;

        public DeviceBuffer Allocate(long byteLength)
        {
            var b = new AddressBuffer(byteLength, _next);
            _next += ((ulong)byteLength + 511) / 256 * 256;
            return b;
        }

        public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset)
        {
        }

        public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => destination.Clear();

        public bool Supports(Node node, out string? reason) => _table.Supports(node, out reason);

        public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) => _table.Execute(node, sources, output, aux);

        public void Synchronize()
        {
        }

        public void Dispose() => Context.Dispose();

        private sealed class AddressBuffer(long byteLength, ulong address) : DeviceBuffer(byteLength), IDeviceMemory
        {
            public ulong DevicePointer => address;

            protected override void Free()
            {
            }
        }
    }
}
