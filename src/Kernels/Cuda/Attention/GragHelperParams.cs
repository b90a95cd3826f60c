using System.Runtime.InteropServices;

namespace Locus.Kernels.Cuda.Attention;

/// <summary>
/// By-value argument of <c>attention_grag_mean</c> and <c>attention_grag_rowdot</c>: the C struct <c>GaGragParams</c>
/// (128 bytes). Mu is [B·H, G, D] f32, M is [B·H, G, Nq] f32 (m_g(i) = scale·q_i·μ_g).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GragHelperParams
{
    public ulong Q, K, Mu, M;
    public int BH, Nq, Nk, D, G, IsBf16;
    public float Scale;
    public int Pad;
    public fixed int K0[FaParams.MaxGroups];
    public fixed int K1[FaParams.MaxGroups];
}
