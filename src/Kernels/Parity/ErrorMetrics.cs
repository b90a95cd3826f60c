namespace Locus.Kernels.Parity;

/// <summary>Comparison metrics used by parity tests and fixture tests.</summary>
public static class ErrorMetrics
{
    /// <summary>Σ(a−b)² / Σb² (or Σ(a−b)² when b is all zero), in double.</summary>
    public static double Nmse(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double err = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            err += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return norm > 0 ? err / norm : err;
    }

    /// <summary>max |a − b|.</summary>
    public static double MaxAbs(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double m = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            m = Math.Max(m, Math.Abs((double)actual[i] - expected[i]));
        }
        return m;
    }

    /// <summary>max |x|.</summary>
    public static double MaxAbs(ReadOnlySpan<float> values)
    {
        double m = 0;
        foreach (float v in values)
        {
            m = Math.Max(m, Math.Abs((double)v));
        }
        return m;
    }

    /// <summary>Index of the first value where one side is NaN/Inf and the other is not (or they differ in kind), else −1.</summary>
    public static int FirstNonFiniteMismatch(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool fa = float.IsFinite(actual[i]), fe = float.IsFinite(expected[i]);
            if (fa != fe || (!fa && !(float.IsNaN(actual[i]) && float.IsNaN(expected[i])) && actual[i] != expected[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Index of the largest absolute difference.</summary>
    public static int ArgMaxAbs(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        int at = 0;
        double m = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (d > m)
            {
                m = d;
                at = i;
            }
        }
        return at;
    }
}
