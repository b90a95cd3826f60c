using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests;

/// <summary>The runner can fail: wrong values, unwritten outputs and writes outside the output block are all reported.</summary>
public sealed class ParityRunnerTests
{
    private static readonly OpCase AddCase = new("Add(test)", OpKind.Add, g => [g.Add(g.Input("a", DType.F32, new Shape(3, 17)), g.Input("b", DType.F32, new Shape(17)))]);

    [Fact]
    public void Run_CorrectBackend_Passes() =>
        Assert.Equal(ParityStatus.Passed, ParityRunner.Run(AddCase, new CpuBackend()).Status);

    [Fact]
    public void Run_WrongValue_Fails()
    {
        var r = ParityRunner.Run(AddCase, new Faulty((o, bytes) => bytes[(int)o.DataByteOffset + 3] ^= 0x40));
        Assert.Equal(ParityStatus.Failed, r.Status);
    }

    [Fact]
    public void Run_UnwrittenLastElement_FailsOnSentinel()
    {
        var r = ParityRunner.Run(AddCase, new Faulty(null, skipLast: true));
        Assert.Equal(ParityStatus.Failed, r.Status);
        Assert.Contains("non-finite", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WriteOutsideOutputBlock_FailsGuard()
    {
        var r = ParityRunner.Run(AddCase, new Faulty((o, bytes) => bytes[(int)(o.DataByteOffset > 0 ? o.DataByteOffset - 1 : o.Desc.ByteLength)] ^= 0x12));
        Assert.Equal(ParityStatus.Failed, r.Status);
        Assert.Contains("outside its output block", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MeasureMilliseconds_Cpu_IsPositive() =>
        Assert.True(ParityRunner.MeasureMilliseconds(AddCase, new CpuBackend(), 2) > 0);

    /// <summary>The CPU backend plus an injected fault applied to the arena bytes after each node.</summary>
    private sealed class Faulty(Action<BoundTensor, Span<byte>>? corrupt, bool skipLast = false) : HostBackendBase
    {
        private readonly CpuBackend _cpu = new();

        public override string Name => "faulty";

        public override bool Supports(Node node, out string? reason) => _cpu.Supports(node, out reason);

        public override void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
        {
            var buffer = (CpuBuffer)output.Buffer;
            int size = output.DType.SizeInBytes();
            long last = output.DataByteOffset + output.Desc.ByteLength - size;
            var keep = buffer.Bytes(last, size).ToArray();
            _cpu.Execute(node, sources, output, aux);
            if (skipLast)
            {
                keep.CopyTo(buffer.Bytes(last, size));
            }
            if (corrupt is not null)
            {
                var all = buffer.Bytes(0, buffer.ByteLength);
                corrupt(output, all);
            }
        }
    }
}
