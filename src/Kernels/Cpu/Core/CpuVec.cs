using System.Runtime.Intrinsics;

namespace Locus.Kernels.Cpu.Core;

/// <summary>Vector256 loops over raw f32 memory (8 lanes, scalar tail). Callers guarantee n elements are valid.</summary>
internal static unsafe class CpuVec
{
    /// <summary>d = a ∘ b elementwise (op 0 = +, 1 = −, 2 = ⊙).</summary>
    public static void Binary(int op, float* a, float* b, float* d, long n)
    {
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var x = Vector256.Load(a + i);
            var y = Vector256.Load(b + i);
            (op == 0 ? x + y : op == 1 ? x - y : x * y).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = op == 0 ? a[i] + b[i] : op == 1 ? a[i] - b[i] : a[i] * b[i];
        }
    }

    /// <summary>d = a ∘ s (scalar right operand).</summary>
    public static void BinaryScalarRight(int op, float* a, float s, float* d, long n)
    {
        var y = Vector256.Create(s);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var x = Vector256.Load(a + i);
            (op == 0 ? x + y : op == 1 ? x - y : x * y).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = op == 0 ? a[i] + s : op == 1 ? a[i] - s : a[i] * s;
        }
    }

    /// <summary>d = s ∘ b (scalar left operand).</summary>
    public static void BinaryScalarLeft(int op, float s, float* b, float* d, long n)
    {
        var x = Vector256.Create(s);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var y = Vector256.Load(b + i);
            (op == 0 ? x + y : op == 1 ? x - y : x * y).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = op == 0 ? s + b[i] : op == 1 ? s - b[i] : s * b[i];
        }
    }

    /// <summary>d = x·a + b with scalar a, b.</summary>
    public static void Affine(float* x, float a, float b, float* d, long n)
    {
        var va = Vector256.Create(a);
        var vb = Vector256.Create(b);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(x + i), va, vb).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(x[i], a, b);
        }
    }

    /// <summary>d = x ⊙ a + b with vector a, b (all of length n).</summary>
    public static void AffineVec(float* x, float* a, float* b, float* d, long n)
    {
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(a + i), Vector256.Load(b + i)).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(x[i], a[i], b[i]);
        }
    }

    /// <summary>d = h + g·y with scalar g.</summary>
    public static void Axpy(float* h, float g, float* y, float* d, long n)
    {
        var vg = Vector256.Create(g);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(y + i), vg, Vector256.Load(h + i)).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(y[i], g, h[i]);
        }
    }

    /// <summary>Σ x in f32 lanes, combined in double.</summary>
    public static double Sum(float* x, long n)
    {
        var acc = Vector256<float>.Zero;
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            acc += Vector256.Load(x + i);
        }
        double s = 0;
        for (int l = 0; l < 8; l++)
        {
            s += acc[l];
        }
        for (; i < n; i++)
        {
            s += x[i];
        }
        return s;
    }

    /// <summary>Σ (x − c)² in f32 lanes, combined in double.</summary>
    public static double SumSquares(float* x, float c, long n)
    {
        var acc = Vector256<float>.Zero;
        var vc = Vector256.Create(c);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var v = Vector256.Load(x + i) - vc;
            acc = Vector256.FusedMultiplyAdd(v, v, acc);
        }
        double s = 0;
        for (int l = 0; l < 8; l++)
        {
            s += acc[l];
        }
        for (; i < n; i++)
        {
            double v = x[i] - c;
            s += v * v;
        }
        return s;
    }

    /// <summary>max x (−∞ for n = 0); NaN propagates.</summary>
    public static float Max(float* x, long n)
    {
        var acc = Vector256.Create(float.NegativeInfinity);
        long i = 0;
        for (; i + 8 <= n; i += 8)
        {
            acc = Vector256.Max(acc, Vector256.Load(x + i));
        }
        float m = float.NegativeInfinity;
        for (int l = 0; l < 8; l++)
        {
            m = MathF.Max(m, acc[l]);
        }
        for (; i < n; i++)
        {
            m = MathF.Max(m, x[i]);
        }
        return m;
    }
}
