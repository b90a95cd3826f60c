using System.Runtime.CompilerServices;

namespace Locus.Kernels.Cuda;

/// <summary>
/// Packs kernel arguments for cuLaunchKernel: each <c>Add</c> appends one parameter in declaration order (device
/// pointers as <see cref="ulong"/>, scalars as int/long/float, by-value structs with <see cref="AddStruct{T}"/>).
/// Each argument gets 8-byte-aligned storage; <c>CudaKernelContext.Launch</c> builds the void** array.
/// </summary>
public sealed class KernelArguments
{
    private readonly List<(int Offset, int Size)> _args = [];
    private byte[] _data = new byte[256];
    private int _used;

    /// <summary>Number of arguments.</summary>
    public int Count => _args.Count;

    /// <summary>Appends a device pointer.</summary>
    public KernelArguments Ptr(ulong devicePointer) => AddStruct(devicePointer);

    /// <summary>Appends a 32-bit int.</summary>
    public KernelArguments Int(int value) => AddStruct(value);

    /// <summary>Appends a 64-bit int.</summary>
    public KernelArguments Long(long value) => AddStruct(value);

    /// <summary>Appends a float.</summary>
    public KernelArguments Float(float value) => AddStruct(value);

    /// <summary>Appends any blittable value (a struct passed by value must match the C layout).</summary>
    public KernelArguments AddStruct<T>(T value)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int offset = (_used + 15) & ~15;
        if (offset + size > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, offset + size + 64));
        }
        Unsafe.WriteUnaligned(ref _data[offset], value);
        _used = offset + size;
        _args.Add((offset, size));
        return this;
    }

    /// <summary>The byte size of each argument, in order (what cuLaunchKernel will read for each kernel parameter).</summary>
    internal IEnumerable<int> Sizes => _args.Select(a => a.Size);

    /// <summary>Calls <paramref name="body"/> with the void** parameter array (valid only during the call).</summary>
    internal unsafe void WithPointers(Action<nint> body)
    {
        // SAFETY: _data is pinned by fixed for the whole call; the pointer array lives on the stack for that call only.
        fixed (byte* data = _data)
        {
            void** ptrs = stackalloc void*[Math.Max(_args.Count, 1)];
            for (int i = 0; i < _args.Count; i++)
            {
                ptrs[i] = data + _args[i].Offset;
            }
            body((nint)ptrs);
        }
    }
}
