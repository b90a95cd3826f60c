using System.Collections;

namespace Locus.Engine.Tensors;

/// <summary>
/// An immutable tensor shape in PyTorch order (outermost first, last dimension contiguous),
/// rank 0 to <see cref="MaxRank"/>. Printed as <c>[2, 4096, 3072]</c>.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    /// <summary>Largest supported rank.</summary>
    public const int MaxRank = 8;

    private readonly int[]? _dims;

    /// <summary>Creates a shape; every dimension must be ≥ 0.</summary>
    public Shape(params ReadOnlySpan<int> dims)
    {
        if (dims.Length > MaxRank)
        {
            throw new ArgumentException($"rank {dims.Length} exceeds the maximum {MaxRank}", nameof(dims));
        }
        foreach (int d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"negative dimension in {Format(dims)}", nameof(dims));
            }
        }
        _dims = dims.ToArray();
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Dimensions as a span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Dimension i; negative i counts from the end.</summary>
    public int this[int index] => _dims![index < 0 ? Rank + index : index];

    /// <summary>Total element count (1 for rank 0).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Dims)
            {
                n *= d;
            }
            return n;
        }
    }

    /// <summary>Product of all dimensions but the last (the "row count").</summary>
    public long RowCount
    {
        get
        {
            long n = 1;
            for (int i = 0; i < Rank - 1; i++)
            {
                n *= _dims![i];
            }
            return n;
        }
    }

    /// <summary>Contiguous (row-major) element strides.</summary>
    public long[] ContiguousStrides()
    {
        var strides = new long[Rank];
        long s = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= _dims![i];
        }
        return strides;
    }

    /// <summary>Returns a copy with dimension <paramref name="axis"/> replaced.</summary>
    public Shape With(int axis, int value)
    {
        int[] d = Dims.ToArray();
        d[axis < 0 ? Rank + axis : axis] = value;
        return new Shape(d);
    }

    /// <summary>Normalises a possibly negative axis, throwing if out of range.</summary>
    public int Axis(int axis)
    {
        int a = axis < 0 ? Rank + axis : axis;
        if (a < 0 || a >= Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"axis out of range for shape {this}");
        }
        return a;
    }

    public int Count => Rank;
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    public override string ToString() => Format(Dims);

    private static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
