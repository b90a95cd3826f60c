using System.Diagnostics;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Parity;

// Guard checks (ggml's sentinels): every buffer the executor allocates is filled with 0xFF bytes (NaN in f32, f16 and
// bf16), so an output element a kernel forgets to write shows up as a non-finite mismatch; and around every node the
// whole arena is snapshotted, so a byte changed outside the node's planned output (and aux) block is reported.
public static partial class ParityRunner
{
    /// <summary>Byte written into fresh executor buffers before inputs are uploaded.</summary>
    public const byte Sentinel = 0xFF;

    /// <summary>Mean wall time in milliseconds of one <see cref="Executor.Run"/> of the case's graph on <paramref name="backend"/> (after one warm-up run).</summary>
    public static double MeasureMilliseconds(OpCase c, IBackend backend, int iterations = 5, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var g = new GraphBuilder();
        var graph = g.Build(c.Build(g));
        using var executor = new Executor(graph, backend);
        foreach (var (name, value) in MakeInputs(c, graph, seed))
        {
            executor.SetInput(name, value);
        }
        executor.Run();
        backend.Synchronize();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            executor.Run();
        }
        backend.Synchronize();
        return sw.Elapsed.TotalMilliseconds / iterations;
    }

    /// <summary>Wraps a backend: sentinel-fills allocations and checks each node writes only inside its output block(s).</summary>
    private sealed class GuardedBackend(IBackend inner) : IBackend
    {
        /// <summary>The first out-of-block write seen, if any.</summary>
        public string? Violation { get; private set; }

        public string Name => inner.Name;

        public DType PreferredActivationType => inner.PreferredActivationType;

        public DeviceBuffer Allocate(long byteLength)
        {
            var buffer = inner.Allocate(byteLength);
            var fill = new byte[Math.Min(byteLength, 1 << 20)];
            Array.Fill(fill, Sentinel);
            for (long at = 0; at < byteLength; at += fill.Length)
            {
                inner.Upload(fill.AsSpan(0, (int)Math.Min(fill.Length, byteLength - at)), buffer, at);
            }
            return buffer;
        }

        public void Upload(ReadOnlySpan<byte> source, DeviceBuffer destination, long byteOffset) => inner.Upload(source, destination, byteOffset);

        public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination) => inner.Download(source, byteOffset, destination);

        public bool Supports(Node node, out string? reason) => inner.Supports(node, out reason);

        public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
        {
            var buffer = output.Buffer;
            var before = Snapshot(buffer);
            inner.Execute(node, sources, output, aux);
            inner.Synchronize();
            var after = Snapshot(buffer);
            long o0 = output.DataByteOffset, o1 = o0 + output.Desc.ByteLength;
            long a0 = -1, a1 = -1;
            if (aux is { } x && ReferenceEquals(x.Buffer, buffer))
            {
                a0 = x.DataByteOffset;
                a1 = a0 + x.Desc.ByteLength;
            }
            for (long i = 0; i < before.LongLength && Violation is null; i++)
            {
                if (before[i] != after[i] && !(i >= o0 && i < o1) && !(i >= a0 && i < a1))
                {
                    Violation = $"node '{node.Name}' ({node.Op}) changed arena byte {i} outside its output block [{o0}, {o1})" + (a0 >= 0 ? $" and aux block [{a0}, {a1})" : "");
                }
            }
        }

        public void Synchronize() => inner.Synchronize();

        public void Dispose()
        {
            // The wrapped backend is owned by the caller.
        }

        private byte[] Snapshot(DeviceBuffer buffer)
        {
            var bytes = new byte[buffer.ByteLength];
            inner.Download(buffer, 0, bytes);
            return bytes;
        }
    }
}
