namespace Locus.Kernels.Reference.Core;

/// <summary>Double-precision special functions that .NET's <see cref="Math"/> lacks.</summary>
public static class ReferenceMath
{
    /// <summary>
    /// erf(x) to about 1e-15 relative: Maclaurin series for |x| &lt; 2.5, else 1 − erfc(|x|) from the
    /// continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
    /// NaN gives NaN.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)) · 2/√π
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }
            double r = sum * 2.0 / Math.Sqrt(Math.PI);
            return x < 0 ? -r : r;
        }
        if (ax > 6.5)
        {
            return x < 0 ? -1.0 : 1.0;
        }
        double t = ax;
        for (int n = 80; n >= 1; n--)
        {
            t = ax + n / 2.0 / t;
        }
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / t;
        return x < 0 ? erfc - 1.0 : 1.0 - erfc;
    }
}
