using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Core;

/// <summary>
/// Loops over raw f32 memory in <see cref="Vector{T}"/> lanes (8 on x64 with AVX2, the former Vector256 path; 4 on ARM64
/// NEON and x64 without AVX2) with a scalar tail; scalar only when vectors are not hardware accelerated. Callers guarantee
/// n elements are valid.
/// </summary>
internal static unsafe class CpuVec
{
    /// <summary>Floats per vector: <see cref="Vector{T}.Count"/> when vectors are accelerated, else 2²⁴, a bound no vector loop reaches
    /// (rows here are far shorter than 2³¹ − 2²⁵ floats, so i + 2·Lanes cannot overflow an int index).</summary>
    internal static int Lanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector.IsHardwareAccelerated ? Vector<float>.Count : 1 << 24;
    }

    /// <summary>a·b + c, fused where the CPU has FMA (x64 FMA3, ARM64 NEON); on x64 without FMA, multiply then add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<float> MulAdd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        Fma.IsSupported || AdvSimd.IsSupported ? Vector.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>d = a ∘ b elementwise (op 0 = +, 1 = −, 2 = ⊙).</summary>
    public static void Binary(int op, float* a, float* b, float* d, long n)
    {
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var x = Vector.Load(a + i);
            var y = Vector.Load(b + i);
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
        var y = Vector.Create(s);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var x = Vector.Load(a + i);
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
        var x = Vector.Create(s);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var y = Vector.Load(b + i);
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
        var va = Vector.Create(a);
        var vb = Vector.Create(b);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            MulAdd(Vector.Load(x + i), va, vb).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(x[i], a, b);
        }
    }

    /// <summary>d = x ⊙ a + b with vector a, b (all of length n).</summary>
    public static void AffineVec(float* x, float* a, float* b, float* d, long n)
    {
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            MulAdd(Vector.Load(x + i), Vector.Load(a + i), Vector.Load(b + i)).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(x[i], a[i], b[i]);
        }
    }

    /// <summary>d = h + g·y with scalar g.</summary>
    public static void Axpy(float* h, float g, float* y, float* d, long n)
    {
        var vg = Vector.Create(g);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            MulAdd(Vector.Load(y + i), vg, Vector.Load(h + i)).Store(d + i);
        }
        for (; i < n; i++)
        {
            d[i] = MathF.FusedMultiplyAdd(y[i], g, h[i]);
        }
    }

    /// <summary>Σ x in f32 lanes, combined in double.</summary>
    public static double Sum(float* x, long n)
    {
        var acc = Vector<float>.Zero;
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            acc += Vector.Load(x + i);
        }
        double s = 0;
        for (int l = 0; l < Vector<float>.Count; l++)
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
        var acc = Vector<float>.Zero;
        var vc = Vector.Create(c);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            var v = Vector.Load(x + i) - vc;
            acc = MulAdd(v, v, acc);
        }
        double s = 0;
        for (int l = 0; l < Vector<float>.Count; l++)
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
        var acc = Vector.Create(float.NegativeInfinity);
        int w = Lanes;
        long i = 0;
        for (; i + w <= n; i += w)
        {
            acc = Vector.Max(acc, Vector.Load(x + i));
        }
        float m = float.NegativeInfinity;
        for (int l = 0; l < Vector<float>.Count; l++)
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
