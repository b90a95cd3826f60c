using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Interop;

/// <summary>NVRTC (libnvrtc.so.13/.12/.11.2), cuda-interop.md §2.1. Results: 0 = success, 6 = compilation error.</summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = CudaLibraryResolver.Nvrtc;

    [LibraryImport(Lib)] internal static partial byte* nvrtcGetErrorString(int result);
    [LibraryImport(Lib)] internal static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Lib)] internal static partial int nvrtcGetNumSupportedArchs(int* count);
    [LibraryImport(Lib)] internal static partial int nvrtcGetSupportedArchs(int* archs);
    [LibraryImport(Lib)]
    internal static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int headerCount, byte** headers, byte** includeNames);
    [LibraryImport(Lib)] internal static partial int nvrtcCompileProgram(nint program, int optionCount, byte** options);
    [LibraryImport(Lib)] internal static partial int nvrtcDestroyProgram(nint* program);
    [LibraryImport(Lib)] internal static partial int nvrtcGetPTXSize(nint program, nuint* size);
    [LibraryImport(Lib)] internal static partial int nvrtcGetPTX(nint program, byte* ptx);
    [LibraryImport(Lib)] internal static partial int nvrtcGetCUBINSize(nint program, nuint* size);
    [LibraryImport(Lib)] internal static partial int nvrtcGetCUBIN(nint program, byte* cubin);
    [LibraryImport(Lib)] internal static partial int nvrtcGetProgramLogSize(nint program, nuint* size);
    [LibraryImport(Lib)] internal static partial int nvrtcGetProgramLog(nint program, byte* log);

    /// <summary>Text of an nvrtcResult.</summary>
    internal static string ErrorText(int result)
    {
        try
        {
            return CuDriver.Text(nvrtcGetErrorString(result)) ?? $"nvrtc error {result}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"nvrtc error {result}";
        }
    }
}
