using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Locus.Tools.SimdProbe;

/// <summary>
/// One line of what the JIT reports on this (possibly emulated) CPU: architecture, which VectorNNN widths are
/// hardware-accelerated, the ARM64 / x86 instruction-set flags the Locus CPU kernels test, and the SGEMM micro-kernel
/// Locus dispatches to.
/// </summary>
public static class Program
{
    public static int Main()
    {
#pragma warning disable SYSLIB5003 // Sve is [Experimental] in .NET 10; only its IsSupported flag is read.
        bool sve = Sve.IsSupported;
#pragma warning restore SYSLIB5003
        var flags = new (string Name, bool On)[]
        {
            ("Vector64", Vector64.IsHardwareAccelerated),
            ("Vector128", Vector128.IsHardwareAccelerated),
            ("Vector256", Vector256.IsHardwareAccelerated),
            ("Vector512", Vector512.IsHardwareAccelerated),
            ("AdvSimd", AdvSimd.IsSupported),
            ("AdvSimd.Arm64", AdvSimd.Arm64.IsSupported),
            ("Dp", Dp.IsSupported),
            ("Rdm", Rdm.IsSupported),
            ("Sve", sve),
            ("Avx2", Avx2.IsSupported),
            ("Fma", Fma.IsSupported),
            ("Avx512F", Avx512F.IsSupported),
        };
        string on = string.Join(' ', flags.Select(f => $"{f.Name}={(f.On ? "yes" : "no")}"));
        Console.WriteLine($"arch={RuntimeInformation.ProcessArchitecture} cores={Environment.ProcessorCount} " +
                          $"Vector<float>.Count={Vector<float>.Count} {on} sgemm=\"{Locus.Kernels.Cpu.Gemm.Sgemm.KernelName}\"");
        return 0;
    }
}
