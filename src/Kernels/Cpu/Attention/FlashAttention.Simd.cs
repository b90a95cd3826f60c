using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Locus.Kernels.Cpu.Attention;

// The vector widths the kernels are written over once: ISimdVector<TSelf, T> is internal to the .NET 10 runtime, so the
// kernels are generic over <TVec, TOps> instead, TOps a struct of static vector operations that the JIT inlines into each
// (separately compiled) struct instantiation.
internal static unsafe partial class FlashAttention
{
    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    private static readonly AsyncLocal<int> s_forcedWidth = new();

    /// <summary>
    /// Test hook: 512, 256 or 128 makes attention in this async flow use the Vector512, Vector256 or Vector128 kernels
    /// (<see cref="WidthSupported"/> must hold); 0 (the default) picks the widest accelerated one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The width is not 0 or one this CPU supports.</exception>
    internal static int ForcedWidth
    {
        get => s_forcedWidth.Value;
        set => s_forcedWidth.Value = value == 0 || WidthSupported(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "attention vector width must be 0 or a width this CPU supports (128, 256, 512)");
    }

    /// <summary>True when the kernels of <paramref name="bits"/> (128, 256, 512) run in hardware (Vector128 on x64 without FMA: multiply, then add).</summary>
    internal static bool WidthSupported(int bits) => bits switch
    {
        512 => Vector512.IsHardwareAccelerated,
        256 => Vector256.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported),
        128 => Vector128.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>The forced width, else the widest supported one (512, 256, 128), else 0 (the reference kernel).</summary>
    private static int SelectWidth() => ForcedWidth != 0 ? ForcedWidth : WidthSupported(512) ? 512 : WidthSupported(256) ? 256 : WidthSupported(128) ? 128 : 0;

    /// <summary>Static vector operations on <typeparamref name="TVec"/> (a Vector128/256/512 of float).</summary>
    private interface ISimd<TVec>
        where TVec : unmanaged
    {
        /// <summary>Floats per vector.</summary>
        static abstract int Count { get; }

        /// <summary>Keys (QKᵀ) or query rows (P·V) per micro-kernel call, two vectors each: 8 (16 accumulators) for Vector512
        /// (AVX-512: 32 registers) and Vector128 (NEON: 32; on x64 it only runs when forced), 4 for Vector256 (AVX2: 16).</summary>
        static abstract int Rows { get; }

        static abstract TVec Load(float* p);

        static abstract void Store(TVec x, float* p);

        static abstract TVec Splat(float x);

        static abstract TVec Add(TVec a, TVec b);

        static abstract TVec Sub(TVec a, TVec b);

        static abstract TVec Mul(TVec a, TVec b);

        /// <summary>a·b + c, fused (Vector128 on x64 without FMA: rounded twice).</summary>
        static abstract TVec Fma(TVec a, TVec b, TVec c);

        static abstract TVec Max(TVec a, TVec b);

        static abstract TVec Min(TVec a, TVec b);

        /// <summary>Lanes where a = b (all bits set) or not (zero).</summary>
        static abstract TVec Equal(TVec a, TVec b);

        /// <summary>Lanes where a &lt; b (all bits set) or not (zero).</summary>
        static abstract TVec Less(TVec a, TVec b);

        /// <summary>mask ? a : b per bit.</summary>
        static abstract TVec Select(TVec mask, TVec a, TVec b);

        /// <summary>y·2ⁿ by exponent add, n = bits(t) − bits(magic) as int32 lanes (t = x·log₂e + magic holds n in its low bits).</summary>
        static abstract TVec Pow2Scale(TVec y, TVec t, TVec magic);
    }

    private readonly struct Simd512 : ISimd<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;
        public static int Rows => 8;
        [MethodImpl(Inline)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
        [MethodImpl(Inline)] public static void Store(Vector512<float> x, float* p) => x.Store(p);
        [MethodImpl(Inline)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
        [MethodImpl(Inline)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        [MethodImpl(Inline)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
        [MethodImpl(Inline)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
        [MethodImpl(Inline)] public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        [MethodImpl(Inline)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
        [MethodImpl(Inline)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
        [MethodImpl(Inline)] public static Vector512<float> Equal(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);
        [MethodImpl(Inline)] public static Vector512<float> Less(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);
        [MethodImpl(Inline)] public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
        [MethodImpl(Inline)] public static Vector512<float> Pow2Scale(Vector512<float> y, Vector512<float> t, Vector512<float> magic) =>
            (y.AsInt32() + ((t.AsInt32() - magic.AsInt32()) << 23)).AsSingle();
    }

    private readonly struct Simd256 : ISimd<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;
        public static int Rows => 4;
        [MethodImpl(Inline)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
        [MethodImpl(Inline)] public static void Store(Vector256<float> x, float* p) => x.Store(p);
        [MethodImpl(Inline)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
        [MethodImpl(Inline)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        [MethodImpl(Inline)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
        [MethodImpl(Inline)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
        [MethodImpl(Inline)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        [MethodImpl(Inline)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
        [MethodImpl(Inline)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
        [MethodImpl(Inline)] public static Vector256<float> Equal(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);
        [MethodImpl(Inline)] public static Vector256<float> Less(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
        [MethodImpl(Inline)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
        [MethodImpl(Inline)] public static Vector256<float> Pow2Scale(Vector256<float> y, Vector256<float> t, Vector256<float> magic) =>
            (y.AsInt32() + ((t.AsInt32() - magic.AsInt32()) << 23)).AsSingle();
    }

    private readonly struct Simd128 : ISimd<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;
        public static int Rows => 8;
        [MethodImpl(Inline)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
        [MethodImpl(Inline)] public static void Store(Vector128<float> x, float* p) => x.Store(p);
        [MethodImpl(Inline)] public static Vector128<float> Splat(float x) => Vector128.Create(x);
        [MethodImpl(Inline)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        [MethodImpl(Inline)] public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;
        [MethodImpl(Inline)] public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;
        [MethodImpl(Inline)] public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
            System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
        [MethodImpl(Inline)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);
        [MethodImpl(Inline)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);
        [MethodImpl(Inline)] public static Vector128<float> Equal(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b);
        [MethodImpl(Inline)] public static Vector128<float> Less(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);
        [MethodImpl(Inline)] public static Vector128<float> Select(Vector128<float> mask, Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(mask, a, b);
        [MethodImpl(Inline)] public static Vector128<float> Pow2Scale(Vector128<float> y, Vector128<float> t, Vector128<float> magic) =>
            (y.AsInt32() + ((t.AsInt32() - magic.AsInt32()) << 23)).AsSingle();
    }
}
