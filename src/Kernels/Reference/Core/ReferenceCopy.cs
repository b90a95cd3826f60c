using Locus.Engine.Tensors;

namespace Locus.Kernels.Reference.Core;

/// <summary>Exact element copies (any dtype, by bytes): strided gather and concatenation.</summary>
public static class ReferenceCopy
{
    /// <summary>Copies the elements of the view <paramref name="layout"/> over <paramref name="storage"/> into dense row-major <paramref name="dst"/>.</summary>
    public static void Gather(ReadOnlySpan<byte> storage, Layout layout, int elementSize, Span<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(layout);
        long count = layout.Shape.ElementCount;
        for (long e = 0; e < count; e++)
        {
            storage.Slice(checked((int)(layout.IndexOfLinear(e) * elementSize)), elementSize)
                .CopyTo(dst.Slice(checked((int)(e * elementSize)), elementSize));
        }
    }

    /// <summary>
    /// Concatenation along one axis: each part is dense [outer, partAxis·inner]; dst is [outer, Σ partAxis·inner].
    /// <paramref name="partAxes"/> gives each part's extent along the axis.
    /// </summary>
    public static void Concat(IReadOnlyList<byte[]> parts, ReadOnlySpan<int> partAxes, long outer, long inner, int elementSize, Span<byte> dst)
    {
        ArgumentNullException.ThrowIfNull(parts);
        long total = 0;
        foreach (int a in partAxes)
        {
            total += a;
        }
        long at = 0;
        for (int p = 0; p < parts.Count; p++)
        {
            long chunk = partAxes[p] * inner * elementSize;
            for (long o = 0; o < outer; o++)
            {
                parts[p].AsSpan(checked((int)(o * chunk)), checked((int)chunk))
                    .CopyTo(dst.Slice(checked((int)((o * total * inner * elementSize) + at)), checked((int)chunk)));
            }
            at += chunk;
        }
    }
}
