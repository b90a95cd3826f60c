using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>By-value argument of <c>attention_pool2x2</c>: the C struct <c>GaPoolParams</c> (48 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PoolParams
{
    public ulong Src, Weight, Acc, Out;
    public int B, GridHeight, GridWidth, Pad;
}
