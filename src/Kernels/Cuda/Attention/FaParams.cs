using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>
/// By-value argument of <c>flash_attention_fwd_d64/_d128</c> and <c>attention_generic_fwd</c>: the C struct
/// <c>FaParams</c> in flash_attention.cu and attention_generic.cu (8-byte fields first, then 4-byte fields; 296 bytes).
/// Pointers are device addresses (0 = absent).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FaParams
{
    /// <summary>Most GRAG groups one launch takes.</summary>
    public const int MaxGroups = 8;

    public ulong Q, K, V, O, Lse;
    public ulong Bias, GragScales, GragM, RowMask, ColMask, ColTileAny;
    public ulong ErrFlag;
    public long BiasStrideB, BiasStrideH, BiasStrideQ;
    public int B, H, Nq, Nk, D, Dv;
    public float Scale, RegionBias;
    public int GragCount, IsBf16, BiasBf16, Pad0;
    public fixed int GragK0[MaxGroups];
    public fixed int GragK1[MaxGroups];
    public fixed int GragR0[MaxGroups];
    public fixed int GragR1[MaxGroups];
}
