using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Interop;

/// <summary>cuBLASLt (libcublasLt.so.13/.12), cuda-interop.md §3. Status 0 = success.</summary>
internal static unsafe partial class CublasLt
{
    private const string Lib = CudaLibraryResolver.CublasLt;

    [LibraryImport(Lib)] internal static partial int cublasLtCreate(nint* handle);
    [LibraryImport(Lib)] internal static partial int cublasLtDestroy(nint handle);
    [LibraryImport(Lib)] internal static partial nuint cublasLtGetVersion();
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulDescCreate(nint* desc, int computeType, int scaleType);
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulDescDestroy(nint desc);
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulDescSetAttribute(nint desc, int attribute, void* value, nuint size);
    [LibraryImport(Lib)] internal static partial int cublasLtMatrixLayoutCreate(nint* layout, int type, ulong rows, ulong cols, long ld);
    [LibraryImport(Lib)] internal static partial int cublasLtMatrixLayoutDestroy(nint layout);
    [LibraryImport(Lib)] internal static partial int cublasLtMatrixLayoutSetAttribute(nint layout, int attribute, void* value, nuint size);
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulPreferenceCreate(nint* preference);
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulPreferenceDestroy(nint preference);
    [LibraryImport(Lib)] internal static partial int cublasLtMatmulPreferenceSetAttribute(nint preference, int attribute, void* value, nuint size);
    [LibraryImport(Lib)]
    internal static partial int cublasLtMatmulAlgoGetHeuristic(nint handle, nint desc, nint a, nint b, nint c, nint d, nint preference,
        int requested, HeuristicResult* results, int* returned);
    [LibraryImport(Lib)]
    internal static partial int cublasLtMatmul(nint handle, nint desc, void* alpha, ulong a, nint aDesc, ulong b, nint bDesc, void* beta,
        ulong c, nint cDesc, ulong d, nint dDesc, MatmulAlgo* algo, ulong workspace, nuint workspaceBytes, nint stream);

    internal const int R32F = 0;
    internal const int R16F = 2;
    internal const int R16BF = 14;
    internal const int Compute32F = 68;
    internal const int DescTransA = 3;
    internal const int DescTransB = 4;
    internal const int DescEpilogue = 7;
    internal const int DescBiasPointer = 8;
    internal const int DescBiasDataType = 26;
    internal const int LayoutBatchCount = 5;
    internal const int LayoutStridedBatchOffset = 6;
    internal const int PrefMaxWorkspace = 1;
    internal const uint EpilogueDefault = 1;
    internal const uint EpilogueBias = 4;
    internal const uint EpilogueGeluBias = 36;

    /// <summary>cublasLtMatmulAlgo_t: 8 × uint64 (64 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MatmulAlgo
    {
        public ulong D0, D1, D2, D3, D4, D5, D6, D7;
    }

    /// <summary>cublasLtMatmulHeuristicResult_t (96 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HeuristicResult
    {
        public MatmulAlgo Algo;
        public nuint WorkspaceSize;
        public int State;
        public float WavesCount;
        public int R0, R1, R2, R3;
    }
}
