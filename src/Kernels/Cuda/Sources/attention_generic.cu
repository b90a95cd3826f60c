// attention_generic.cu: the generic attention path (plain CUDA, f32 math, any head dim ≤ 256, f32 or bf16 tensors)
// plus the helpers both paths share: GRAG group means, GRAG row offsets m_g(i), 2×2 pooling of captured maps.
// Header-free (NVRTC). Owned by the attention family (src/Kernels/Cuda/CudaAttentionKernels*.cs).
// The structs below must match flash_attention.cu and CudaAttentionKernels.Launch.cs byte for byte.

#define GA_MAX_GRAG 8
#define GA_MAX_LANE_CH 8                 // channels per lane: head dims up to 32 · 8 = 256
#define GA_NEG_INF __int_as_float(0xff800000)

typedef unsigned short ga_bf16;

struct FaParams
{
    const void* q; const void* k; const void* v; void* o; float* lse;
    const void* bias; const float* grag_scales; const float* grag_m; const float* row_mask; const float* col_mask;
    const int* col_tile_any;
    int* err_flag;
    long long bias_sb, bias_sh, bias_sq;
    int B, H, Nq, Nk, D, Dv;
    float scale, region_bias;
    int grag_count, is_bf16, bias_bf16, pad0;
    int grag_k0[GA_MAX_GRAG], grag_k1[GA_MAX_GRAG], grag_r0[GA_MAX_GRAG], grag_r1[GA_MAX_GRAG];
};

struct FaCaptureParams
{
    const void* q; const void* k; const float* lse; const float* weight; const float* acc; float* out;
    int B, H, Nq, Nk, row0, rows, col0, cols;
    float scale;
    int D, is_bf16, pad;
};

// GRAG helper argument; 128 bytes. mu [B·H, G, D] f32, m [B·H, G, Nq] f32.
struct GaGragParams
{
    const void* q; const void* k; float* mu; float* m;
    int BH, Nq, Nk, D, G, is_bf16;
    float scale;
    int pad;
    int k0[GA_MAX_GRAG], k1[GA_MAX_GRAG];
};

// Pool argument; 48 bytes. src [B, gh·gw, gh·gw] → out [B, gh·gw/4, gh·gw/4].
struct GaPoolParams
{
    const float* src; const float* weight; const float* acc; float* out;
    int B, gh, gw, pad;
};

__device__ __forceinline__ float ga_ld(const void* p, size_t i, int bf)
{
    return bf ? __uint_as_float(((unsigned int)((const ga_bf16*)p)[i]) << 16) : ((const float*)p)[i];
}

__device__ __forceinline__ void ga_st(void* p, size_t i, float x, int bf)
{
    if (bf)
    {
        unsigned short r;
        asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(r) : "f"(x));
        ((ga_bf16*)p)[i] = r;
    }
    else
    {
        ((float*)p)[i] = x;
    }
}

__device__ __forceinline__ float ga_warp_sum(float x)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
    return x;
}

// One warp per query row, 4 rows per block: grid (⌈Nq/4⌉, B·H), 128 threads. Each lane holds channels lane + 32u.
// Logit (natural units): x = scale·q·k; GRAG x = δ·x + (λ−δ)·m_g(i) on the group's rows × keys; + bias; + region bias.
extern "C" __global__ void attention_generic_fwd(FaParams p)
{
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int i = blockIdx.x * 4 + warp, bh = blockIdx.y;
    if (i >= p.Nq) return;
    const int b = bh / p.H, h = bh % p.H, bf = p.is_bf16;
    const size_t qBase = ((size_t)bh * p.Nq + i) * p.D;
    const size_t kBase = (size_t)bh * p.Nk * p.D, vBase = (size_t)bh * p.Nk * p.Dv;
    float q[GA_MAX_LANE_CH], acc[GA_MAX_LANE_CH];
#pragma unroll
    for (int u = 0; u < GA_MAX_LANE_CH; ++u)
    {
        int c = lane + 32 * u;
        q[u] = c < p.D ? ga_ld(p.q, qBase + c, bf) : 0.f;
        acc[u] = 0.f;
    }
    bool regionRow = p.row_mask && p.row_mask[(size_t)b * p.Nq + i] == 0.0f;
    float m = GA_NEG_INF, l = 0.f;
    for (int j = 0; j < p.Nk; ++j)
    {
        float part = 0.f;
#pragma unroll
        for (int u = 0; u < GA_MAX_LANE_CH; ++u)
        {
            int c = lane + 32 * u;
            if (c < p.D) part += q[u] * ga_ld(p.k, kBase + (size_t)j * p.D + c, bf);
        }
        float x = ga_warp_sum(part) * p.scale;
        for (int g = 0; g < p.grag_count; ++g)
        {
            if (j >= p.grag_k0[g] && j < p.grag_k1[g] && i >= p.grag_r0[g] && i < p.grag_r1[g])
            {
                float lam = p.grag_scales[2 * g], del = p.grag_scales[2 * g + 1];
                x = del * x + (lam - del) * p.grag_m[((size_t)bh * p.grag_count + g) * p.Nq + i];
            }
        }
        if (p.bias)
        {
            size_t bi = (size_t)(b * p.bias_sb + h * p.bias_sh + i * p.bias_sq) + j;
            x += ga_ld(p.bias, bi, p.bias_bf16);
        }
        if (regionRow && p.col_mask[j] != 0.0f) x += p.region_bias;
        if (x == GA_NEG_INF) continue;                            // contributes exactly 0
        if (x > m)
        {
            float c = expf(m - x);                                // m = −inf → 0
            l *= c;
#pragma unroll
            for (int u = 0; u < GA_MAX_LANE_CH; ++u) acc[u] *= c;
            m = x;
        }
        float pj = expf(x - m);
        l += pj;
#pragma unroll
        for (int u = 0; u < GA_MAX_LANE_CH; ++u)
        {
            int c = lane + 32 * u;
            if (c < p.Dv) acc[u] += pj * ga_ld(p.v, vBase + (size_t)j * p.Dv + c, bf);
        }
    }
    const float inv = l > 0.f ? 1.f / l : 0.f;
    const size_t oBase = ((size_t)bh * p.Nq + i) * p.Dv;
#pragma unroll
    for (int u = 0; u < GA_MAX_LANE_CH; ++u)
    {
        int c = lane + 32 * u;
        if (c < p.Dv) ga_st(p.o, oBase + c, acc[u] * inv, bf);
    }
    if (lane == 0)
    {
        p.lse[(size_t)bh * p.Nq + i] = l > 0.f ? m + logf(l) : GA_NEG_INF;
        if (!(l > 0.f) && p.err_flag)
        {
            long long row = (long long)bh * p.Nq + i;
            atomicOr(p.err_flag, 1);
            atomicMin(p.err_flag + 1, (int)(row < 0x7fffffffLL ? row : 0x7fffffffLL));
        }
    }
}

// One thread per block element (b, r, c): out = acc + w·(1/H)·Σ_h exp(scale·q·k − lse). Grid (⌈rows·cols/256⌉, B), 256 threads.
extern "C" __global__ void attention_generic_capture(FaCaptureParams p)
{
    const long long e = (long long)blockIdx.x * 256 + threadIdx.x;
    const int b = blockIdx.y;
    if (e >= (long long)p.rows * p.cols) return;
    const int r = (int)(e / p.cols), c = (int)(e % p.cols), bf = p.is_bf16;
    const int i = p.row0 + r, j = p.col0 + c;
    float sum = 0.f;
    for (int h = 0; h < p.H; ++h)
    {
        const size_t bh = (size_t)b * p.H + h;
        const float lse = p.lse[bh * p.Nq + i];
        if (lse == GA_NEG_INF) continue;
        const size_t qb = (bh * p.Nq + i) * p.D, kb = (bh * p.Nk + j) * p.D;
        float dot = 0.f;
        for (int d = 0; d < p.D; ++d) dot += ga_ld(p.q, qb + d, bf) * ga_ld(p.k, kb + d, bf);
        sum += expf(dot * p.scale - lse);
    }
    const size_t idx = ((size_t)b * p.rows + r) * p.cols + c;
    const float w = (p.weight ? p.weight[0] : 1.f) / (float)p.H;
    p.out[idx] = (p.acc ? p.acc[idx] : 0.f) + w * sum;
}

// μ[bh, g, d] = mean of k[bh, j, d] over j ∈ [k0_g, k1_g), f32, deterministic (fixed slice order).
// Grid (B·H, G), 256 threads; requires D ≤ 256.
extern "C" __global__ void attention_grag_mean(GaGragParams p)
{
    __shared__ float part[256];
    const int bh = blockIdx.x, g = blockIdx.y, tid = threadIdx.x;
    const int slices = 256 / p.D;                                 // ≥ 1
    const int d = tid % p.D, s = tid / p.D;
    const int ka = p.k0[g], kb = p.k1[g];
    float sum = 0.f;
    if (s < slices)
        for (int j = ka + s; j < kb; j += slices) sum += ga_ld(p.k, ((size_t)bh * p.Nk + j) * p.D + d, p.is_bf16);
    part[tid] = s < slices ? sum : 0.f;
    __syncthreads();
    if (tid < p.D)
    {
        float total = 0.f;
        for (int t = 0; t < slices; ++t) total += part[t * p.D + tid];
        p.mu[((size_t)bh * p.G + g) * p.D + tid] = total / (float)(kb - ka);
    }
}

// Same μ as attention_grag_mean for bf16 keys with D a multiple of 8 (D ≤ 256), fast: 1024 threads, each owns 8 channels of
// every (1024 / (D/8))-th key (16-byte loads, 4 loads in flight), then a fixed-order reduction over the slices in shared
// memory (deterministic). Grid (B·H, G), 1024 threads. Used by the tensor-core path (k′ pre-pass and logit form).
extern "C" __global__ void attention_grag_mean_bf16(GaGragParams p)
{
    __shared__ float part[1024 * 8];
    const int bh = blockIdx.x, g = blockIdx.y, tid = threadIdx.x;
    const int cpr = p.D >> 3, slices = 1024 / cpr;                // chunks per key row, key slices (≥ 4)
    const int c = tid % cpr, s = tid / cpr;
    const int ka = p.k0[g], kb = p.k1[g];
    float acc[8] = {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f};
    if (s < slices)
    {
        const uint4* k = (const uint4*)p.k + ((size_t)bh * p.Nk) * cpr + c;
#pragma unroll 4
        for (int j = ka + s; j < kb; j += slices)
        {
            uint4 v = k[(size_t)j * cpr];
            unsigned int w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
            for (int e = 0; e < 4; ++e)
            {
                acc[2 * e] += __uint_as_float(w[e] << 16);
                acc[2 * e + 1] += __uint_as_float(w[e] & 0xffff0000u);
            }
        }
    }
#pragma unroll
    for (int e = 0; e < 8; ++e) part[tid * 8 + e] = s < slices ? acc[e] : 0.f;   // part[s][c·8 + e] = channel c·8 + e
    __syncthreads();
    if (tid < p.D)
    {
        float total = 0.f;
        for (int t = 0; t < slices; ++t) total += part[t * p.D + tid];
        p.mu[((size_t)bh * p.G + g) * p.D + tid] = total / (float)(kb - ka);
    }
}

// m[bh, g, i] = scale · q[bh, i, :] · μ[bh, g, :] (f32). One warp per row: grid (⌈Nq/4⌉, B·H), 128 threads.
extern "C" __global__ void attention_grag_rowdot(GaGragParams p)
{
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int i = blockIdx.x * 4 + warp, bh = blockIdx.y;
    if (i >= p.Nq) return;
    const size_t qBase = ((size_t)bh * p.Nq + i) * p.D;
    for (int g = 0; g < p.G; ++g)
    {
        const float* mu = p.mu + ((size_t)bh * p.G + g) * p.D;
        float part = 0.f;
        for (int c = lane; c < p.D; c += 32) part += ga_ld(p.q, qBase + c, p.is_bf16) * mu[c];
        float dot = ga_warp_sum(part);
        if (lane == 0) p.m[((size_t)bh * p.G + g) * p.Nq + i] = dot * p.scale;
    }
}

// GRAG key pre-pass (official all-rows groups, bf16 tensor-core path): kp = k except on each group's keys, where
// kp[bh, j, c] = bf16(λ_g·μ[bh, g, c] + δ_g·(k[bh, j, c] − μ[bh, g, c])) with (λ_g, δ_g) = scales[2g], scales[2g + 1] read
// here (never baked). k, kp bf16 [B·H, Nk, D]; D a multiple of 8; one thread per 8 channels (16-byte load and store).
// Grid ⌈B·H·Nk·D/8 / 256⌉, 256 threads.
extern "C" __global__ void attention_grag_rewrite_k(GaGragParams p, const float* scales, unsigned int* kp)
{
    const long long chunk = (long long)blockIdx.x * 256 + threadIdx.x;
    const int cpr = p.D >> 3;                                     // 16-byte chunks per key row
    const long long total = (long long)p.BH * p.Nk * cpr;
    if (chunk >= total) return;
    const long long row = chunk / cpr;                            // bh·Nk + j
    const int c0 = (int)(chunk - row * cpr) * 8, j = (int)(row % p.Nk), bh = (int)(row / p.Nk);
    uint4 v = ((const uint4*)p.k)[chunk];
    int g = -1;
    for (int i = 0; i < p.G; ++i)
        if (j >= p.k0[i] && j < p.k1[i]) g = i;
    if (g >= 0)
    {
        const float lam = scales[2 * g], del = scales[2 * g + 1];
        const float* mu = p.mu + ((size_t)bh * p.G + g) * p.D + c0;
        unsigned int w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int e = 0; e < 4; ++e)
        {
            float lo = __uint_as_float(w[e] << 16), hi = __uint_as_float(w[e] & 0xffff0000u);
            float mlo = mu[2 * e], mhi = mu[2 * e + 1];
            lo = lam * mlo + del * (lo - mlo);
            hi = lam * mhi + del * (hi - mhi);
            asm("cvt.rn.bf16x2.f32 %0, %1, %2;" : "=r"(w[e]) : "f"(hi), "f"(lo));
        }
        v = make_uint4(w[0], w[1], w[2], w[3]);
    }
    ((uint4*)kp)[chunk] = v;
}

// flags[t] = 1 when mask[j] ≠ 0 for some j in [64t, 64t + 64) ∩ [0, n), else 0 (lets the tensor-core kernel skip the region
// bias on tiles without selected columns). Grid ⌈n/64⌉, 64 threads.
extern "C" __global__ void attention_tile_any(const float* mask, int n, int* flags)
{
    int j = blockIdx.x * 64 + threadIdx.x;
    int any = __syncthreads_or(j < n && mask[j] != 0.0f);
    if (threadIdx.x == 0) flags[blockIdx.x] = any ? 1 : 0;
}

// 2×2 average pooling of both axes of a captured image × image block: rows and columns are tokens of a gh × gw grid;
// out[b, pr, pc] = acc + w · (1/16) Σ_{dy,dx,ey,ex} src[b, (2py+dy)·gw + 2px+dx, (2qy+ey)·gw + 2qx+ex].
// Grid (⌈P²/256⌉, B) with P = gh·gw/4, 256 threads.
extern "C" __global__ void attention_pool2x2(GaPoolParams p)
{
    const int pw = p.gw / 2, P = (p.gh / 2) * pw, n = p.gh * p.gw;
    const long long e = (long long)blockIdx.x * 256 + threadIdx.x;
    const int b = blockIdx.y;
    if (e >= (long long)P * P) return;
    const int pr = (int)(e / P), pc = (int)(e % P);
    const int py = pr / pw, px = pr % pw, qy = pc / pw, qx = pc % pw;
    float sum = 0.f;
    for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx)
        {
            const size_t row = (size_t)b * n + (size_t)(2 * py + dy) * p.gw + 2 * px + dx;
            for (int ey = 0; ey < 2; ++ey)
                for (int ex = 0; ex < 2; ++ex) sum += p.src[row * n + (size_t)(2 * qy + ey) * p.gw + 2 * qx + ex];
        }
    const size_t idx = ((size_t)b * P + pr) * P + pc;
    p.out[idx] = (p.acc ? p.acc[idx] : 0.f) + (p.weight ? p.weight[0] : 1.f) * sum * (1.f / 16.f);
}
