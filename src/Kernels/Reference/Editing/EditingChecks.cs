using Locus.Engine.Graph;

namespace Locus.Kernels.Reference.Editing;

/// <summary>Input checks and map geometry shared by the reference and CPU editing kernels.</summary>
internal static class EditingChecks
{
    /// <summary>Throws if a k-means point is NaN or infinite (distances would be meaningless).</summary>
    /// <exception cref="ArgumentException">a non-finite value, named with its row and column.</exception>
    public static void RequireFinite(Node node, ReadOnlySpan<float> points, int d)
    {
        for (int i = 0; i < points.Length; i++)
        {
            if (!float.IsFinite(points[i]))
            {
                throw new ArgumentException($"{node.Op} '{node.Name}': points[{i / Math.Max(d, 1)}, {i % Math.Max(d, 1)}] is {points[i]}; k-means needs finite points", nameof(points));
            }
        }
    }

    /// <summary>(map count, H, W) of a [..., H, W] tensor.</summary>
    public static (int Maps, int H, int W) Maps(Engine.Tensors.Shape s)
    {
        int h = s[-2], w = s[-1];
        long plane = (long)h * w;
        return (plane == 0 ? 0 : checked((int)(s.ElementCount / plane)), h, w);
    }

    /// <summary>Half-width of row dy of a structuring element: r (square) or the largest w with w² + dy² ≤ r² (ellipse).</summary>
    public static int HalfWidth(int radius, int dy, bool elliptical)
    {
        if (!elliptical)
        {
            return radius;
        }
        long rest = (long)radius * radius - (long)dy * dy;
        if (rest < 0)
        {
            return -1;
        }
        long w = (long)Math.Sqrt(rest);
        while (w * w > rest)
        {
            w--;
        }
        while ((w + 1) * (w + 1) <= rest)
        {
            w++;
        }
        return (int)w;
    }

    /// <summary>Smallest and largest non-NaN value (+∞, −∞ when there is none).</summary>
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (v < lo)
            {
                lo = v;
            }
            if (v > hi)
            {
                hi = v;
            }
        }
        return (lo, hi);
    }

    /// <summary>TopK order: a before b if a &gt; b, or a = b (or both NaN) and ia &lt; ib; NaN ranks after every number.</summary>
    public static bool RanksBefore(float a, int ia, float b, int ib)
    {
        bool na = float.IsNaN(a), nb = float.IsNaN(b);
        if (na || nb)
        {
            return na == nb ? ia < ib : nb;
        }
        return a > b || (a == b && ia < ib);
    }
}
