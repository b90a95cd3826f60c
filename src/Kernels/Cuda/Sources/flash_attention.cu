// flash_attention.cu: FA2-style attention forward and probability capture on bf16 tensor cores (sm_80+).
// Header-free (NVRTC). Owned by the attention family (src/Kernels/Cuda/CudaAttentionKernels*.cs).
//
// Entry points: flash_attention_fwd_d64 / _d128 (head dim = value dim) and, when FA_WITH_CAPTURE=1,
// flash_attention_capture_d64 / _d128. Variant macros (-D), one catalog module per combination:
//   FA_HAS_BIAS  0 | 1             additive bias (f32 or bf16 per FaParams.bias_bf16), broadcast strides in FaParams
//   FA_HAS_GRAG  0 | 1             GRAG in logit form: s' = δ·s + (λ−δ)·m_g(i) on the group's rows × keys
//   FA_HAS_REGION 0 | 1            region bias on rows with rowMask = 0 × columns with colMask ≠ 0
//   FA_WITH_V3   0 | 1             also compile forward variant 3 (_v3 entries; the plain module only)
// Forward variants (LOCUS_FLASH_VARIANT, AttentionSelector): 1 = fa_forward<HD, 4> (verified), 2 = fa_forward<HD, 8>
// (_v2: 8 warps, 128 rows per block), 3 = fa_forward_w32<HD> (_v3: 4 warps × 32 rows, Q in shared memory).
//
// Tile design (cuda-interop.md §4.2): grid (⌈Nq/64⌉, B·H), 128 threads, each warp owns 16 query rows.
// Q fragments stay in registers; K and V tiles of 64 × (D + 8) bf16 in shared memory (the +16 B row pad makes
// ldmatrix conflict-free), loaded with cp.async (zero-fill past N); V(j) loads while S = Q·K(j)ᵀ runs and
// K(j+1) loads while O += P·V(j) runs. Softmax in the log2 domain with ex2.approx; f32 accumulators.
// Outputs: o [B, H, Nq, D] bf16 and lse [B, H, Nq] f32 (natural log). A row with no finite logit gets o = 0,
// lse = −inf, sets err_flag[0] = 1 and err_flag[1] = min row index (the launcher turns it into an exception).

#ifndef FA_HAS_BIAS
#define FA_HAS_BIAS 0
#endif
#ifndef FA_HAS_GRAG
#define FA_HAS_GRAG 0
#endif
#ifndef FA_HAS_REGION
#define FA_HAS_REGION 0
#endif
#ifndef FA_WITH_CAPTURE
#define FA_WITH_CAPTURE 0
#endif
#ifndef FA_WITH_V3
#define FA_WITH_V3 0
#endif
// No __launch_bounds__ (entries stay `extern "C" __global__ void name(`): the kernels launch with 128 threads, so ptxas may
// use up to 255 registers; cap them for occupancy experiments with --maxrregcount=N (e.g. 168 for 3 blocks/SM at D = 128).

#define FA_BQ 64
#define FA_BK 64
#define FA_THREADS 128
#define FA_MAX_GRAG 8
#define FA_LOG2E 1.4426950408889634f
#define FA_LN2 0.6931471805599453f
#define FA_NEG_INF __int_as_float(0xff800000)

typedef unsigned short fa_bf16;
typedef unsigned int fa_u32;

// Kernel argument (passed by value). Keep in sync with FaParams in CudaAttentionKernels.Launch.cs:
// 8-byte fields first, then 4-byte fields; 296 bytes.
struct FaParams
{
    const void* q; const void* k; const void* v; void* o; float* lse;
    const void* bias; const float* grag_scales; const float* grag_m; const float* row_mask; const float* col_mask;
    const int* col_tile_any;                        // [⌈Nk/64⌉]: 1 when the 64-key tile has a column with colMask ≠ 0
    int* err_flag;
    long long bias_sb, bias_sh, bias_sq;           // bias element strides of b, h, query row (0 = broadcast)
    int B, H, Nq, Nk, D, Dv;
    float scale, region_bias;
    int grag_count, is_bf16, bias_bf16, pad0;
    int grag_k0[FA_MAX_GRAG], grag_k1[FA_MAX_GRAG], grag_r0[FA_MAX_GRAG], grag_r1[FA_MAX_GRAG];
};

__device__ __forceinline__ fa_u32 fa_smem(const void* p) { return (fa_u32)__cvta_generic_to_shared(p); }

__device__ __forceinline__ void fa_cp16(fa_u32 dst, const void* src, int bytes)
{
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" :: "r"(dst), "l"(src), "r"(bytes));
}
__device__ __forceinline__ void fa_commit() { asm volatile("cp.async.commit_group;\n" ::); }
__device__ __forceinline__ void fa_wait0() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }
__device__ __forceinline__ void fa_wait1() { asm volatile("cp.async.wait_group 1;\n" ::: "memory"); }

__device__ __forceinline__ void fa_ldsm4(fa_u32 addr, fa_u32& r0, fa_u32& r1, fa_u32& r2, fa_u32& r3)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
}
__device__ __forceinline__ void fa_ldsm4t(fa_u32 addr, fa_u32& r0, fa_u32& r1, fa_u32& r2, fa_u32& r3)
{
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
}
// D(16×8) += A(16×16, row) · B(16×8, col), bf16 inputs, f32 accumulators.
__device__ __forceinline__ void fa_mma(float* c, const fa_u32* a, fa_u32 b0, fa_u32 b1)
{
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}
__device__ __forceinline__ float fa_ex2(float x) { float y; asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x)); return y; }
// Two floats → packed bf16x2 (lo in the low half), round to nearest even.
__device__ __forceinline__ fa_u32 fa_pack(float lo, float hi)
{
    fa_u32 r; asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(r) : "f"(hi), "f"(lo)); return r;
}
// err[0] |= 1 and err[1] = min(err[1], row) for a row with no finite logit (row = bh·Nq + i; the launcher presets err[1] large).
__device__ __forceinline__ void fa_flag_row(int* err, long long row)
{
    atomicOr(err, 1);
    atomicMin(err + 1, (int)(row < 0x7fffffffLL ? row : 0x7fffffffLL));
}
__device__ __forceinline__ float fa_bf2f(fa_bf16 x) { return __uint_as_float(((fa_u32)x) << 16); }

// Loads rows [row0, row0 + ROWS) of a [n, HD] bf16 matrix into a ROWS × (HD + 8) tile with NT threads; rows ≥ n are
// zero-filled.
template <int HD, int ROWS = 64, int NT = FA_THREADS>
__device__ __forceinline__ void fa_load_tile(fa_bf16* tile, const fa_bf16* src, int row0, int n, int tid)
{
    const int chunks = HD / 8;                        // 16-byte chunks per row
#pragma unroll
    for (int c = tid; c < ROWS * chunks; c += NT)
    {
        int r = c / chunks, col = (c % chunks) * 8;
        int gr = row0 + r;
        bool ok = gr < n;
        const fa_bf16* g = src + (size_t)(ok ? gr : 0) * HD + col;
        fa_cp16(fa_smem(tile + r * (HD + 8) + col), g, ok ? 16 : 0);
    }
}

// Logit modifications shared by the forward and the capture kernels. x holds scale·q·k·log2(e) for the thread's
// 8 n-tiles × 4 elements (rows r0 = e<2 ? ra : rb, column k0 + 8n + 2t + (e&1)); out-of-range columns become −inf.
template <int BQ = FA_BQ>
__device__ __forceinline__ void fa_apply_mods(const FaParams& p, float (&x)[8][4], int bh, int q0, int ra, int rb, int k0, int t,
                                              bool regionRowA, bool regionRowB)
{
#if FA_HAS_GRAG
    for (int gi = 0; gi < p.grag_count; ++gi)
    {
        int ka = p.grag_k0[gi], kb = p.grag_k1[gi], qa = p.grag_r0[gi], qb = p.grag_r1[gi];
        if (kb <= k0 || ka >= k0 + FA_BK || qb <= q0 || qa >= q0 + BQ) continue;   // block-uniform
        float lam = p.grag_scales[2 * gi], del = p.grag_scales[2 * gi + 1];
        const float* gm = p.grag_m + ((size_t)bh * p.grag_count + gi) * p.Nq;
        bool inA = ra >= qa && ra < qb, inB = rb >= qa && rb < qb;
        float offA = inA ? (lam - del) * gm[ra] * FA_LOG2E : 0.f;
        float offB = inB ? (lam - del) * gm[rb] * FA_LOG2E : 0.f;
#pragma unroll
        for (int n = 0; n < 8; ++n)
#pragma unroll
            for (int e = 0; e < 4; ++e)
            {
                int col = k0 + 8 * n + 2 * t + (e & 1);
                bool rowIn = e < 2 ? inA : inB;
                if (rowIn && col >= ka && col < kb) x[n][e] = del * x[n][e] + (e < 2 ? offA : offB);
            }
    }
#endif
#if FA_HAS_BIAS
    {
        int b = bh / p.H, h = bh % p.H;
        int rca = ra < p.Nq ? ra : p.Nq - 1, rcb = rb < p.Nq ? rb : p.Nq - 1;
        size_t baseA = (size_t)(b * p.bias_sb + h * p.bias_sh + rca * p.bias_sq);
        size_t baseB = (size_t)(b * p.bias_sb + h * p.bias_sh + rcb * p.bias_sq);
#pragma unroll
        for (int n = 0; n < 8; ++n)
#pragma unroll
            for (int e = 0; e < 4; ++e)
            {
                int col = k0 + 8 * n + 2 * t + (e & 1);
                if (col < p.Nk)
                {
                    size_t idx = (e < 2 ? baseA : baseB) + col;
                    float bv = p.bias_bf16 ? fa_bf2f(((const fa_bf16*)p.bias)[idx]) : ((const float*)p.bias)[idx];
                    x[n][e] += bv * FA_LOG2E;
                }
            }
    }
#endif
#if FA_HAS_REGION
    if ((regionRowA || regionRowB) && p.col_tile_any[k0 / FA_BK])
    {
        float rbias = p.region_bias * FA_LOG2E;
#pragma unroll
        for (int n = 0; n < 8; ++n)
#pragma unroll
            for (int c2 = 0; c2 < 2; ++c2)
            {
                int col = k0 + 8 * n + 2 * t + c2;
                if (col < p.Nk && p.col_mask[col] != 0.0f)
                {
                    if (regionRowA) x[n][c2] += rbias;
                    if (regionRowB) x[n][2 + c2] += rbias;
                }
            }
    }
#endif
    if (k0 + FA_BK > p.Nk)
    {
#pragma unroll
        for (int n = 0; n < 8; ++n)
#pragma unroll
            for (int e = 0; e < 4; ++e)
                if (k0 + 8 * n + 2 * t + (e & 1) >= p.Nk) x[n][e] = FA_NEG_INF;
    }
}

// out = softmax(mods(scale·q·kᵀ))·v, lse = ln Σ exp(mods(...)). NW warps of 16 query rows each (variant 1: NW = 4,
// variant 2: NW = 8, so one 64-key K/V tile serves 128 query rows): grid (⌈Nq/(16·NW)⌉, B·H), 32·NW threads,
// dynamic shared memory 2 · 64 · (HD + 8) · 2 bytes (K tile, V tile; Q (16·NW ≤ 128 rows) is staged across both first).
template <int HD, int NW = 4>
__device__ __forceinline__ void fa_forward(const FaParams& p)
{
    constexpr int BQ = 16 * NW, NT = 32 * NW;
    extern __shared__ __align__(16) unsigned char fa_smem_raw[];
    fa_bf16* sK = (fa_bf16*)fa_smem_raw;
    fa_bf16* sV = sK + FA_BK * (HD + 8);
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
    const int bh = blockIdx.y, q0 = blockIdx.x * BQ;
    const fa_bf16* Q = (const fa_bf16*)p.q + (size_t)bh * p.Nq * HD;
    const fa_bf16* K = (const fa_bf16*)p.k + (size_t)bh * p.Nk * HD;
    const fa_bf16* V = (const fa_bf16*)p.v + (size_t)bh * p.Nk * HD;
    const int ra = q0 + warp * 16 + g, rb = ra + 8;              // this thread's two query rows

    // Q tile → registers (A fragments, 16 rows × D per warp); staged in sK..sV (contiguous, 128 rows).
    fa_load_tile<HD, BQ, NT>(sK, Q, q0, p.Nq, tid);
    fa_commit();
    fa_wait0();
    __syncthreads();
    fa_u32 qf[HD / 16][4];
#pragma unroll
    for (int kk = 0; kk < HD / 16; ++kk)
        fa_ldsm4(fa_smem(sK + (warp * 16 + (lane & 15)) * (HD + 8) + kk * 16 + (lane >> 4) * 8), qf[kk][0], qf[kk][1], qf[kk][2], qf[kk][3]);
    __syncthreads();                                              // sK, sV are free again

    bool regA = false, regB = false;
#if FA_HAS_REGION
    {
        int b = bh / p.H;
        regA = ra < p.Nq && p.row_mask[(size_t)b * p.Nq + ra] == 0.0f;
        regB = rb < p.Nq && p.row_mask[(size_t)b * p.Nq + rb] == 0.0f;
    }
#endif

    float o[HD / 8][4];
#pragma unroll
    for (int i = 0; i < HD / 8; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
    float mA = FA_NEG_INF, mB = FA_NEG_INF, lA = 0.f, lB = 0.f;
    const float scaleLog2 = p.scale * FA_LOG2E;
    const int nTiles = (p.Nk + FA_BK - 1) / FA_BK;

    fa_load_tile<HD, 64, NT>(sK, K, 0, p.Nk, tid);
    fa_commit();
    for (int j = 0; j < nTiles; ++j)
    {
        const int k0 = j * FA_BK;
        fa_load_tile<HD, 64, NT>(sV, V, k0, p.Nk, tid);
        fa_commit();
        fa_wait1();                                               // K(j) landed (V(j) may be in flight)
        __syncthreads();

        // S[16 × 64] = Q · K(j)ᵀ for this warp.
        float s[8][4];
#pragma unroll
        for (int n = 0; n < 8; ++n)
        {
            s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.f;
#pragma unroll
            for (int k2 = 0; k2 < HD / 32; ++k2)
            {
                fa_u32 b0, b1, b2, b3;
                fa_ldsm4(fa_smem(sK + (n * 8 + (lane & 7)) * (HD + 8) + k2 * 32 + (lane >> 3) * 8), b0, b1, b2, b3);
                fa_mma(s[n], qf[2 * k2], b0, b1);
                fa_mma(s[n], qf[2 * k2 + 1], b2, b3);
            }
        }
#pragma unroll
        for (int n = 0; n < 8; ++n)
#pragma unroll
            for (int e = 0; e < 4; ++e) s[n][e] *= scaleLog2;
        fa_apply_mods<BQ>(p, s, bh, q0, ra, rb, k0, t, regA, regB);

        // Online softmax (log2 domain); each row is spread over the 4 threads of a quad.
        float mxA = mA, mxB = mB;
#pragma unroll
        for (int n = 0; n < 8; ++n)
        {
            mxA = fmaxf(mxA, fmaxf(s[n][0], s[n][1]));
            mxB = fmaxf(mxB, fmaxf(s[n][2], s[n][3]));
        }
        mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 1));
        mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 2));
        mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 1));
        mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 2));
        const float useA = mxA == FA_NEG_INF ? 0.f : mxA, useB = mxB == FA_NEG_INF ? 0.f : mxB;
        const float cA = fa_ex2(mA - useA), cB = fa_ex2(mB - useB);
        mA = mxA;
        mB = mxB;
        lA *= cA;
        lB *= cB;
#pragma unroll
        for (int i = 0; i < HD / 8; ++i)
        {
            o[i][0] *= cA; o[i][1] *= cA; o[i][2] *= cB; o[i][3] *= cB;
        }
#pragma unroll
        for (int n = 0; n < 8; ++n)
        {
            s[n][0] = fa_ex2(s[n][0] - useA); s[n][1] = fa_ex2(s[n][1] - useA);
            s[n][2] = fa_ex2(s[n][2] - useB); s[n][3] = fa_ex2(s[n][3] - useB);
            lA += s[n][0] + s[n][1];
            lB += s[n][2] + s[n][3];
        }

        fa_wait0();                                               // V(j) landed
        __syncthreads();                                          // every warp is done reading K(j)
        if (j + 1 < nTiles) fa_load_tile<HD, 64, NT>(sK, K, k0 + FA_BK, p.Nk, tid);
        fa_commit();

        // O[16 × D] += P[16 × 64] · V(j)[64 × D].
#pragma unroll
        for (int kk = 0; kk < FA_BK / 16; ++kk)
        {
            fa_u32 a[4];
            a[0] = fa_pack(s[2 * kk][0], s[2 * kk][1]);
            a[1] = fa_pack(s[2 * kk][2], s[2 * kk][3]);
            a[2] = fa_pack(s[2 * kk + 1][0], s[2 * kk + 1][1]);
            a[3] = fa_pack(s[2 * kk + 1][2], s[2 * kk + 1][3]);
#pragma unroll
            for (int dn = 0; dn < HD / 16; ++dn)
            {
                fa_u32 b0, b1, b2, b3;
                fa_ldsm4t(fa_smem(sV + (kk * 16 + (lane & 15)) * (HD + 8) + dn * 16 + (lane >> 4) * 8), b0, b1, b2, b3);
                fa_mma(o[2 * dn], a, b0, b1);
                fa_mma(o[2 * dn + 1], a, b2, b3);
            }
        }
        __syncthreads();                                          // V(j) is read before V(j+1) overwrites it
    }
    fa_wait0();

    lA += __shfl_xor_sync(0xffffffffu, lA, 1);
    lA += __shfl_xor_sync(0xffffffffu, lA, 2);
    lB += __shfl_xor_sync(0xffffffffu, lB, 1);
    lB += __shfl_xor_sync(0xffffffffu, lB, 2);
    const float invA = lA > 0.f ? 1.f / lA : 0.f, invB = lB > 0.f ? 1.f / lB : 0.f;
    fa_bf16* O = (fa_bf16*)p.o + (size_t)bh * p.Nq * HD;
#pragma unroll
    for (int dn = 0; dn < HD / 8; ++dn)
    {
        int col = dn * 8 + 2 * t;
        if (ra < p.Nq) *(fa_u32*)(O + (size_t)ra * HD + col) = fa_pack(o[dn][0] * invA, o[dn][1] * invA);
        if (rb < p.Nq) *(fa_u32*)(O + (size_t)rb * HD + col) = fa_pack(o[dn][2] * invB, o[dn][3] * invB);
    }
    if (t == 0)
    {
        if (ra < p.Nq)
        {
            p.lse[(size_t)bh * p.Nq + ra] = lA > 0.f ? (mA + __log2f(lA)) * FA_LN2 : FA_NEG_INF;
            if (!(lA > 0.f) && p.err_flag) fa_flag_row(p.err_flag, (long long)bh * p.Nq + ra);
        }
        if (rb < p.Nq)
        {
            p.lse[(size_t)bh * p.Nq + rb] = lB > 0.f ? (mB + __log2f(lB)) * FA_LN2 : FA_NEG_INF;
            if (!(lB > 0.f) && p.err_flag) fa_flag_row(p.err_flag, (long long)bh * p.Nq + rb);
        }
    }
}

// Variant 3 (LOCUS_FLASH_VARIANT=3): 4 warps × 32 query rows (two m16 tiles per warp), BQ = 128, 128 threads. Q stays in
// shared memory (ldmatrix per 16-channel step), so every K/V fragment read from shared memory feeds two MMAs: half the
// ldmatrix traffic per FLOP of variants 1 and 2 (which are shared-memory-bandwidth bound at 16 rows per warp).
// Dynamic shared memory (128 + 64 + 64) · (HD + 8) · 2 bytes (69,632 B at D = 128: the launcher opts in above 48 KB).
#if FA_WITH_V3
template <int HD>
__device__ __forceinline__ void fa_forward_w32(const FaParams& p)
{
    constexpr int BQ = 128, NT = 128;
    extern __shared__ __align__(16) unsigned char fa_smem_raw[];
    fa_bf16* sQ = (fa_bf16*)fa_smem_raw;
    fa_bf16* sK = sQ + BQ * (HD + 8);
    fa_bf16* sV = sK + FA_BK * (HD + 8);
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
    const int bh = blockIdx.y, q0 = blockIdx.x * BQ;
    const fa_bf16* Q = (const fa_bf16*)p.q + (size_t)bh * p.Nq * HD;
    const fa_bf16* K = (const fa_bf16*)p.k + (size_t)bh * p.Nk * HD;
    const fa_bf16* V = (const fa_bf16*)p.v + (size_t)bh * p.Nk * HD;
    int ra[2], rb[2];                                             // this thread's rows in m-tile 0 and 1
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
        ra[mt] = q0 + warp * 32 + mt * 16 + g;
        rb[mt] = ra[mt] + 8;
    }
    bool regA[2] = {false, false}, regB[2] = {false, false};
#if FA_HAS_REGION
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
        int b = bh / p.H;
        regA[mt] = ra[mt] < p.Nq && p.row_mask[(size_t)b * p.Nq + ra[mt]] == 0.0f;
        regB[mt] = rb[mt] < p.Nq && p.row_mask[(size_t)b * p.Nq + rb[mt]] == 0.0f;
    }
#endif

    float o[2][HD / 8][4];
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
#pragma unroll
        for (int i = 0; i < HD / 8; ++i) o[mt][i][0] = o[mt][i][1] = o[mt][i][2] = o[mt][i][3] = 0.f;
    float mA[2] = {FA_NEG_INF, FA_NEG_INF}, mB[2] = {FA_NEG_INF, FA_NEG_INF}, lA[2] = {0.f, 0.f}, lB[2] = {0.f, 0.f};
    const float scaleLog2 = p.scale * FA_LOG2E;
    const int nTiles = (p.Nk + FA_BK - 1) / FA_BK;

    fa_load_tile<HD, BQ, NT>(sQ, Q, q0, p.Nq, tid);
    fa_load_tile<HD, 64, NT>(sK, K, 0, p.Nk, tid);
    fa_commit();
    for (int j = 0; j < nTiles; ++j)
    {
        const int k0 = j * FA_BK;
        fa_load_tile<HD, 64, NT>(sV, V, k0, p.Nk, tid);
        fa_commit();
        fa_wait1();                                               // Q and K(j) landed (V(j) may be in flight)
        __syncthreads();

        // S[2 × 16 × 64] = Q · K(j)ᵀ: per 16-channel step, 2 Q fragments and 4 K ldmatrix.x4 (2 n-tiles each) feed 32 MMAs.
        float s[2][8][4];
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
#pragma unroll
            for (int n = 0; n < 8; ++n) s[mt][n][0] = s[mt][n][1] = s[mt][n][2] = s[mt][n][3] = 0.f;
#pragma unroll
        for (int kk = 0; kk < HD / 16; ++kk)
        {
            fa_u32 qa[2][4];
#pragma unroll
            for (int mt = 0; mt < 2; ++mt)
                fa_ldsm4(fa_smem(sQ + (warp * 32 + mt * 16 + (lane & 15)) * (HD + 8) + kk * 16 + (lane >> 4) * 8),
                         qa[mt][0], qa[mt][1], qa[mt][2], qa[mt][3]);
#pragma unroll
            for (int n2 = 0; n2 < 4; ++n2)
            {
                fa_u32 b0, b1, b2, b3;
                fa_ldsm4(fa_smem(sK + ((2 * n2 + (lane >> 4)) * 8 + (lane & 7)) * (HD + 8) + kk * 16 + ((lane >> 3) & 1) * 8), b0, b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < 2; ++mt)
                {
                    fa_mma(s[mt][2 * n2], qa[mt], b0, b1);
                    fa_mma(s[mt][2 * n2 + 1], qa[mt], b2, b3);
                }
            }
        }

        // Online softmax per m-tile (log2 domain); P packed to bf16 A fragments right away (frees s).
        fa_u32 pa[2][FA_BK / 16][4];
#pragma unroll
        for (int mt = 0; mt < 2; ++mt)
        {
#pragma unroll
            for (int n = 0; n < 8; ++n)
#pragma unroll
                for (int e = 0; e < 4; ++e) s[mt][n][e] *= scaleLog2;
            fa_apply_mods<BQ>(p, s[mt], bh, q0, ra[mt], rb[mt], k0, t, regA[mt], regB[mt]);
            float mxA = mA[mt], mxB = mB[mt];
#pragma unroll
            for (int n = 0; n < 8; ++n)
            {
                mxA = fmaxf(mxA, fmaxf(s[mt][n][0], s[mt][n][1]));
                mxB = fmaxf(mxB, fmaxf(s[mt][n][2], s[mt][n][3]));
            }
            mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 1));
            mxA = fmaxf(mxA, __shfl_xor_sync(0xffffffffu, mxA, 2));
            mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 1));
            mxB = fmaxf(mxB, __shfl_xor_sync(0xffffffffu, mxB, 2));
            const float useA = mxA == FA_NEG_INF ? 0.f : mxA, useB = mxB == FA_NEG_INF ? 0.f : mxB;
            const float cA = fa_ex2(mA[mt] - useA), cB = fa_ex2(mB[mt] - useB);
            mA[mt] = mxA;
            mB[mt] = mxB;
            lA[mt] *= cA;
            lB[mt] *= cB;
#pragma unroll
            for (int i = 0; i < HD / 8; ++i)
            {
                o[mt][i][0] *= cA; o[mt][i][1] *= cA; o[mt][i][2] *= cB; o[mt][i][3] *= cB;
            }
#pragma unroll
            for (int n = 0; n < 8; ++n)
            {
                s[mt][n][0] = fa_ex2(s[mt][n][0] - useA); s[mt][n][1] = fa_ex2(s[mt][n][1] - useA);
                s[mt][n][2] = fa_ex2(s[mt][n][2] - useB); s[mt][n][3] = fa_ex2(s[mt][n][3] - useB);
                lA[mt] += s[mt][n][0] + s[mt][n][1];
                lB[mt] += s[mt][n][2] + s[mt][n][3];
            }
#pragma unroll
            for (int kk = 0; kk < FA_BK / 16; ++kk)
            {
                pa[mt][kk][0] = fa_pack(s[mt][2 * kk][0], s[mt][2 * kk][1]);
                pa[mt][kk][1] = fa_pack(s[mt][2 * kk][2], s[mt][2 * kk][3]);
                pa[mt][kk][2] = fa_pack(s[mt][2 * kk + 1][0], s[mt][2 * kk + 1][1]);
                pa[mt][kk][3] = fa_pack(s[mt][2 * kk + 1][2], s[mt][2 * kk + 1][3]);
            }
        }

        fa_wait0();                                               // V(j) landed
        __syncthreads();                                          // every warp is done reading K(j)
        if (j + 1 < nTiles) fa_load_tile<HD, 64, NT>(sK, K, k0 + FA_BK, p.Nk, tid);
        fa_commit();

        // O[2 × 16 × D] += P · V(j): each V ldmatrix.x4.trans feeds 4 MMAs.
#pragma unroll
        for (int kk = 0; kk < FA_BK / 16; ++kk)
#pragma unroll
            for (int dn = 0; dn < HD / 16; ++dn)
            {
                fa_u32 b0, b1, b2, b3;
                fa_ldsm4t(fa_smem(sV + (kk * 16 + (lane & 15)) * (HD + 8) + dn * 16 + (lane >> 4) * 8), b0, b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < 2; ++mt)
                {
                    fa_mma(o[mt][2 * dn], pa[mt][kk], b0, b1);
                    fa_mma(o[mt][2 * dn + 1], pa[mt][kk], b2, b3);
                }
            }
        __syncthreads();                                          // V(j) is read before V(j+1) overwrites it
    }
    fa_wait0();

    fa_bf16* O = (fa_bf16*)p.o + (size_t)bh * p.Nq * HD;
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
    {
        float la = lA[mt], lb = lB[mt];
        la += __shfl_xor_sync(0xffffffffu, la, 1);
        la += __shfl_xor_sync(0xffffffffu, la, 2);
        lb += __shfl_xor_sync(0xffffffffu, lb, 1);
        lb += __shfl_xor_sync(0xffffffffu, lb, 2);
        const float invA = la > 0.f ? 1.f / la : 0.f, invB = lb > 0.f ? 1.f / lb : 0.f;
        const int rA = ra[mt], rB = rb[mt];
#pragma unroll
        for (int dn = 0; dn < HD / 8; ++dn)
        {
            int col = dn * 8 + 2 * t;
            if (rA < p.Nq) *(fa_u32*)(O + (size_t)rA * HD + col) = fa_pack(o[mt][dn][0] * invA, o[mt][dn][1] * invA);
            if (rB < p.Nq) *(fa_u32*)(O + (size_t)rB * HD + col) = fa_pack(o[mt][dn][2] * invB, o[mt][dn][3] * invB);
        }
        if (t == 0)
        {
            if (rA < p.Nq)
            {
                p.lse[(size_t)bh * p.Nq + rA] = la > 0.f ? (mA[mt] + __log2f(la)) * FA_LN2 : FA_NEG_INF;
                if (!(la > 0.f) && p.err_flag) fa_flag_row(p.err_flag, (long long)bh * p.Nq + rA);
            }
            if (rB < p.Nq)
            {
                p.lse[(size_t)bh * p.Nq + rB] = lb > 0.f ? (mB[mt] + __log2f(lb)) * FA_LN2 : FA_NEG_INF;
                if (!(lb > 0.f) && p.err_flag) fa_flag_row(p.err_flag, (long long)bh * p.Nq + rB);
            }
        }
    }
}
#endif

// Capture argument (by value). Keep in sync with FaCaptureParams in CudaAttentionKernels.Launch.cs; 96 bytes.
struct FaCaptureParams
{
    const void* q; const void* k; const float* lse; const float* weight; const float* acc; float* out;
    int B, H, Nq, Nk, row0, rows, col0, cols;
    float scale;
    int D, is_bf16, pad;
};

// out[b, i, j] = acc[b, i, j] + w · (1/H) Σ_h exp(scale·q_i·k_j − lse_i) over rows [row0, row0+rows) × cols [col0, col0+cols)
// (i, j relative to the block). acc may be null (treated as 0), weight may be null (w = 1). Grid (⌈rows/64⌉, ⌈cols/64⌉, B),
// 128 threads, dynamic shared memory 2 · 64 · (HD + 8) · 2 bytes. Deterministic: fixed head order, no atomics.
#if FA_WITH_CAPTURE
template <int HD>
__device__ __forceinline__ void fa_capture(const FaCaptureParams& p)
{
    extern __shared__ __align__(16) unsigned char fa_smem_raw[];
    fa_bf16* sQ = (fa_bf16*)fa_smem_raw;
    fa_bf16* sK = sQ + 64 * (HD + 8);
    const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
    const int i0 = blockIdx.x * 64, j0 = blockIdx.y * 64, b = blockIdx.z;
    const int ra = i0 + warp * 16 + g, rb = ra + 8;               // block-relative rows of this thread
    const float scaleLog2 = p.scale * FA_LOG2E;
    float acc[8][4];
#pragma unroll
    for (int n = 0; n < 8; ++n) acc[n][0] = acc[n][1] = acc[n][2] = acc[n][3] = 0.f;

    for (int h = 0; h < p.H; ++h)
    {
        const size_t bh = (size_t)b * p.H + h;
        const fa_bf16* Q = (const fa_bf16*)p.q + (bh * p.Nq + p.row0) * HD;
        const fa_bf16* K = (const fa_bf16*)p.k + (bh * p.Nk + p.col0) * HD;
        fa_load_tile<HD>(sQ, Q, i0, p.rows, tid);
        fa_load_tile<HD>(sK, K, j0, p.cols, tid);
        fa_commit();
        // lse of this thread's rows, in log2 units (−inf rows give probability 0).
        float lseA = ra < p.rows ? p.lse[bh * p.Nq + p.row0 + ra] : FA_NEG_INF;
        float lseB = rb < p.rows ? p.lse[bh * p.Nq + p.row0 + rb] : FA_NEG_INF;
        fa_wait0();
        __syncthreads();
        fa_u32 qf[HD / 16][4];
#pragma unroll
        for (int kk = 0; kk < HD / 16; ++kk)
            fa_ldsm4(fa_smem(sQ + (warp * 16 + (lane & 15)) * (HD + 8) + kk * 16 + (lane >> 4) * 8), qf[kk][0], qf[kk][1], qf[kk][2], qf[kk][3]);
#pragma unroll
        for (int n = 0; n < 8; ++n)
        {
            float s[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
            for (int k2 = 0; k2 < HD / 32; ++k2)
            {
                fa_u32 b0, b1, b2, b3;
                fa_ldsm4(fa_smem(sK + (n * 8 + (lane & 7)) * (HD + 8) + k2 * 32 + (lane >> 3) * 8), b0, b1, b2, b3);
                fa_mma(s, qf[2 * k2], b0, b1);
                fa_mma(s, qf[2 * k2 + 1], b2, b3);
            }
            const float la = lseA * FA_LOG2E, lb = lseB * FA_LOG2E;
            if (la != FA_NEG_INF) { acc[n][0] += fa_ex2(s[0] * scaleLog2 - la); acc[n][1] += fa_ex2(s[1] * scaleLog2 - la); }
            if (lb != FA_NEG_INF) { acc[n][2] += fa_ex2(s[2] * scaleLog2 - lb); acc[n][3] += fa_ex2(s[3] * scaleLog2 - lb); }
        }
        __syncthreads();                                          // tiles are read before the next head's loads
    }

    const float w = (p.weight ? p.weight[0] : 1.f) / (float)p.H;
#pragma unroll
    for (int n = 0; n < 8; ++n)
#pragma unroll
        for (int e = 0; e < 4; ++e)
        {
            int r = e < 2 ? ra : rb, c = j0 + 8 * n + 2 * t + (e & 1);
            if (r < p.rows && c < p.cols)
            {
                size_t idx = ((size_t)b * p.rows + r) * p.cols + c;
                p.out[idx] = (p.acc ? p.acc[idx] : 0.f) + w * acc[n][e];
            }
        }
}

#endif

extern "C" __global__ void flash_attention_fwd_d64(const __grid_constant__ FaParams p) { fa_forward<64>(p); }
extern "C" __global__ void flash_attention_fwd_d128(const __grid_constant__ FaParams p) { fa_forward<128>(p); }
// Variant 2 (LOCUS_FLASH_VARIANT=2): 8 warps, 128 query rows per block, 256 threads, same shared memory and options.
extern "C" __global__ void flash_attention_fwd_d64_v2(const __grid_constant__ FaParams p) { fa_forward<64, 8>(p); }
extern "C" __global__ void flash_attention_fwd_d128_v2(const __grid_constant__ FaParams p) { fa_forward<128, 8>(p); }
#if FA_WITH_V3
// Variant 3 (LOCUS_FLASH_VARIANT=3, plain module only): 4 warps × 32 rows, Q in shared memory, 69,632 B at D = 128 (opt-in).
extern "C" __global__ void flash_attention_fwd_d64_v3(const __grid_constant__ FaParams p) { fa_forward_w32<64>(p); }
extern "C" __global__ void flash_attention_fwd_d128_v3(const __grid_constant__ FaParams p) { fa_forward_w32<128>(p); }
#endif
#if FA_WITH_CAPTURE
extern "C" __global__ void flash_attention_capture_d64(const __grid_constant__ FaCaptureParams p) { fa_capture<64>(p); }
extern "C" __global__ void flash_attention_capture_d128(const __grid_constant__ FaCaptureParams p) { fa_capture<128>(p); }
#endif
