using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>
/// By-value argument of <c>flash_attention_capture_d64/_d128</c> and <c>attention_generic_capture</c>: the C struct
/// <c>FaCaptureParams</c> (96 bytes). Acc and Weight may be 0 (no accumulator, weight 1).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FaCaptureParams
{
    public ulong Q, K, Lse, Weight, Acc, Out;
    public int B, H, Nq, Nk, Row0, Rows, Col0, Cols;
    public float Scale;
    public int D, IsBf16, Pad;
}
