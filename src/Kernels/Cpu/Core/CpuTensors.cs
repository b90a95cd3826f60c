using System.Runtime.CompilerServices;
using Locus.Engine.Backends;
using Locus.Engine.Tensors;

namespace Locus.Kernels.Cpu.Core;

/// <summary>
/// Raw f32 access to bound tensors for the fast kernels: F32 tensors are used in place, other float dtypes are
/// widened into a pinned temporary (and outputs narrowed back by <see cref="Finish"/>).
/// </summary>
internal static unsafe class CpuTensors
{
    /// <summary>Address of storage element 0 of an F32 tensor (its layout offset not applied).</summary>
    public static float* StorageF32(BoundTensor t)
    {
        var span = HostMemory.Storage<float>(t); // bounds-checks the layout's extent against the buffer
        // SAFETY: CpuBuffer memory is native and never moves; the span above proved the extent is inside the buffer.
        return (float*)Unsafe.AsPointer(ref span.GetPinnableReference());
    }

    /// <summary>Element 0 and layout of any float tensor as f32: in place for F32, else a dense widened copy kept alive by <paramref name="keep"/>.</summary>
    public static float* Input(BoundTensor t, out Layout layout, out float[]? keep)
    {
        if (t.DType == DType.F32)
        {
            keep = null;
            layout = t.Layout;
            return StorageF32(t);
        }
        keep = Pin(HostMemory.ReadFloats(t));
        layout = new Layout(t.Shape);
        return Address(keep);
    }

    /// <summary>Dense f32 data of a contiguous tensor (widened copy for F16/BF16, or for a strided view).</summary>
    public static float* Dense(BoundTensor t, out float[]? keep)
    {
        float* p = Input(t, out var layout, out keep);
        if (layout.IsContiguous)
        {
            return p + layout.Offset;
        }
        keep = Pin(HostMemory.ReadFloats(t));
        return Address(keep);
    }

    /// <summary>Where to write f32 results: the output itself if F32, else a temporary for <see cref="Finish"/>.</summary>
    public static float* Output(BoundTensor t, out float[]? temp)
    {
        if (t.DType == DType.F32)
        {
            temp = null;
            return StorageF32(t) + t.Layout.Offset;
        }
        temp = GC.AllocateUninitializedArray<float>(checked((int)t.Shape.ElementCount), pinned: true);
        return Address(temp);
    }

    /// <summary>Narrows a temporary from <see cref="Output"/> into the output tensor (no-op for F32).</summary>
    public static void Finish(BoundTensor t, float[]? temp)
    {
        if (temp is not null)
        {
            HostMemory.WriteFloats(t, temp);
        }
    }

    /// <summary>Address of element 0 of a pinned array (or a valid dummy for an empty one).</summary>
    public static float* Address(float[] pinned)
    {
        if (pinned.Length == 0)
        {
            return null;
        }
        // SAFETY: callers pass arrays allocated on the pinned object heap (Pin / AllocateUninitializedArray(pinned: true)).
        return (float*)Unsafe.AsPointer(ref pinned[0]);
    }

    /// <summary>Copies <paramref name="values"/> into a pinned array.</summary>
    public static float[] Pin(float[] values)
    {
        var pinned = GC.AllocateUninitializedArray<float>(values.Length, pinned: true);
        values.CopyTo(pinned, 0);
        return pinned;
    }
}
