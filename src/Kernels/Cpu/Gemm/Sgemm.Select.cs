using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

[assembly: InternalsVisibleTo("Locus.Benchmarks")]

namespace Locus.Kernels.Cpu.Gemm;

// Which micro-kernel runs: the fastest the CPU supports, unless a test or bench forces one on its thread.
public static partial class Sgemm
{
    private static readonly SgemmKernel s_detected =
        IsSupported(SgemmKernel.Avx512) ? SgemmKernel.Avx512
        : IsSupported(SgemmKernel.Avx2) ? SgemmKernel.Avx2
        : IsSupported(SgemmKernel.Vector128) ? SgemmKernel.Vector128
        : SgemmKernel.Scalar;

    [ThreadStatic]
    private static SgemmKernel? t_forced;

    /// <summary>The kernel calls from this thread use: the forced one, else the fastest supported.</summary>
    internal static SgemmKernel ActiveKernel => t_forced ?? s_detected;

    /// <summary>Whether this CPU (as the JIT sees it, after any DOTNET_Enable* switches) can run <paramref name="kind"/>.</summary>
    internal static bool IsSupported(SgemmKernel kind) => kind switch
    {
        SgemmKernel.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        SgemmKernel.Avx2 => Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported,
        SgemmKernel.Vector128 => Vector128.IsHardwareAccelerated,
        SgemmKernel.Scalar => true,
        _ => false,
    };

    /// <summary>
    /// Makes the calling thread's SGEMM calls use <paramref name="kind"/> until the returned scope is disposed (which
    /// restores the previous choice); for tests and benches. Other threads are unaffected.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">This CPU cannot run <paramref name="kind"/>.</exception>
    internal static IDisposable ForceKernel(SgemmKernel kind)
    {
        if (!IsSupported(kind))
        {
            throw new PlatformNotSupportedException($"kind: the {kind} SGEMM kernel needs instructions this CPU (or the JIT's settings) does not provide");
        }
        var scope = new ForcedKernelScope(t_forced);
        t_forced = kind;
        return scope;
    }

    private static string Describe(SgemmKernel kind) => kind switch
    {
        SgemmKernel.Avx512 => $"avx512 {Kernel512.Mr}x{Kernel512.Nr}",
        SgemmKernel.Avx2 => $"avx2 {Kernel256.Mr}x{Kernel256.Nr}",
        SgemmKernel.Vector128 => $"v128 {Kernel128.Mr}x{Kernel128.Nr}",
        _ => $"scalar {KernelScalar.Mr}x{KernelScalar.Nr}",
    };

    private sealed class ForcedKernelScope(SgemmKernel? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                t_forced = previous;
            }
        }
    }
}
