using System.Runtime.InteropServices;
using Locus.Engine.Backends;

namespace Locus.Kernels.Cpu;

/// <summary>64-byte aligned native host memory (used by the reference and CPU backends).</summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private void* _pointer;

    /// <summary>Allocates <paramref name="byteLength"/> bytes, zero-filled.</summary>
    public CpuBuffer(long byteLength)
        : base(byteLength)
    {
        // SAFETY: the size is checked non-negative by the base; the block is freed once in Free().
        _pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(byteLength, 1), 64);
        NativeMemory.Clear(_pointer, (nuint)Math.Max(byteLength, 1));
    }

    /// <summary>Start of the block.</summary>
    public nint Pointer
    {
        get
        {
            ThrowIfDisposed();
            return (nint)_pointer;
        }
    }

    /// <summary>Bytes [offset, offset + length) as a span; bounds-checked.</summary>
    public Span<byte> Bytes(long offset, long length)
    {
        ThrowIfDisposed();
        if (offset < 0 || length < 0 || offset + length > ByteLength || length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + length}) outside a {ByteLength}-byte buffer (or over 2 GiB)");
        }
        // SAFETY: the range was checked against the allocation above.
        return new Span<byte>((byte*)_pointer + offset, (int)length);
    }

    protected override void Free()
    {
        // SAFETY: allocated by AlignedAlloc in the constructor; Dispose calls this once.
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
