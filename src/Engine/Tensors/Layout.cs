namespace Locus.Engine.Tensors;

/// <summary>
/// A strided view of storage: shape, element strides and an element offset. Views (slice,
/// permute, reshape of contiguous data) create new layouts over the same storage without copying.
/// </summary>
public sealed record Layout
{
    /// <summary>Creates a contiguous row-major layout at offset 0.</summary>
    public Layout(Shape shape)
        : this(shape, shape.ContiguousStrides(), 0)
    {
    }

    /// <summary>Creates a layout with explicit strides (in elements) and offset (in elements).</summary>
    public Layout(Shape shape, long[] strides, long offset)
    {
        if (strides.Length != shape.Rank)
        {
            throw new ArgumentException($"{strides.Length} strides for shape {shape}", nameof(strides));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Shape = shape;
        Strides = strides;
        Offset = offset;
    }

    /// <summary>Logical shape.</summary>
    public Shape Shape { get; }

    /// <summary>Element strides, one per dimension.</summary>
    public IReadOnlyList<long> Strides { get; }

    /// <summary>Element offset of index (0, …, 0) in the storage.</summary>
    public long Offset { get; }

    /// <summary>True when the elements are row-major and dense (offset may be non-zero).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int i = Shape.Rank - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && Strides[i] != expected)
                {
                    return false;
                }
                expected *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>One past the largest element index this view touches (storage elements needed).</summary>
    public long StorageExtent
    {
        get
        {
            if (Shape.ElementCount == 0)
            {
                return Offset;
            }
            long max = Offset;
            for (int i = 0; i < Shape.Rank; i++)
            {
                max += (Shape[i] - 1) * Strides[i];
            }
            return max + 1;
        }
    }

    /// <summary>Storage element index of a logical index.</summary>
    public long IndexOf(ReadOnlySpan<int> index)
    {
        long at = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            at += index[i] * Strides[i];
        }
        return at;
    }

    /// <summary>Storage element index of the i-th element in row-major logical order.</summary>
    public long IndexOfLinear(long linear)
    {
        long at = Offset;
        for (int i = Shape.Rank - 1; i >= 0; i--)
        {
            int d = Shape[i];
            if (d == 0)
            {
                return at;
            }
            at += linear % d * Strides[i];
            linear /= d;
        }
        return at;
    }

    /// <summary>Permutes dimensions: result dim i is source dim <paramref name="order"/>[i].</summary>
    public Layout Permute(ReadOnlySpan<int> order)
    {
        if (order.Length != Shape.Rank)
        {
            throw new ArgumentException($"permutation of length {order.Length} for shape {Shape}", nameof(order));
        }
        var seen = new bool[order.Length];
        var dims = new int[order.Length];
        var strides = new long[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            int src = order[i];
            if (src < 0 || src >= order.Length || seen[src])
            {
                throw new ArgumentException($"invalid permutation ({string.Join(", ", order.ToArray())}) for shape {Shape}", nameof(order));
            }
            seen[src] = true;
            dims[i] = Shape[src];
            strides[i] = Strides[src];
        }
        return new Layout(new Shape(dims), strides, Offset);
    }

    /// <summary>Takes [start, start + length) along <paramref name="axis"/>.</summary>
    public Layout Slice(int axis, int start, int length)
    {
        int a = Shape.Axis(axis);
        if (start < 0 || length < 0 || start + length > Shape[a])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {start + length}) of axis {a} in shape {Shape}");
        }
        return new Layout(Shape.With(a, length), Strides.ToArray(), Offset + start * Strides[a]);
    }

    /// <summary>Reshapes a contiguous layout; throws for non-contiguous views or a different element count.</summary>
    public Layout Reshape(Shape shape)
    {
        if (shape.ElementCount != Shape.ElementCount)
        {
            throw new ArgumentException($"cannot reshape {Shape} ({Shape.ElementCount} elements) to {shape} ({shape.ElementCount} elements)", nameof(shape));
        }
        if (!IsContiguous)
        {
            throw new InvalidOperationException($"cannot reshape a non-contiguous view of {Shape}; make it contiguous first");
        }
        return new Layout(shape, shape.ContiguousStrides(), Offset);
    }

    public bool Equals(Layout? other) =>
        other is not null && Shape == other.Shape && Offset == other.Offset && Strides.SequenceEqual(other.Strides);

    public override int GetHashCode() => HashCode.Combine(Shape, Offset);

    public override string ToString() =>
        IsContiguous && Offset == 0 ? Shape.ToString() : $"{Shape} strides=({string.Join(", ", Strides)}) offset={Offset}";
}
