// norm.cu: row-wise LayerNorm / RMSNorm / Softmax (one block per row, f32 statistics) and two-pass GroupNorm.
// Affine weights arrive as f32 (the launcher widens other dtypes into scratch).

template <typename T>
__device__ void layer_norm_body(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) {
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float s = 0.f;
        for (int c = threadIdx.x; c < C; c += blockDim.x) s += ld(xr, c);
        float mean = block_sum(s) / C;
        float v = 0.f;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { float d = ld(xr, c) - mean; v += d * d; }
        float rstd = rsqrtf(block_sum(v) / C + eps);
        for (int c = threadIdx.x; c < C; c += blockDim.x) {
            float y = (ld(xr, c) - mean) * rstd;
            if (affine) y = y * w[c] + b[c];
            st(yr, c, y);
        }
    }
}
#define LAYER_NORM_ENTRY(S, T) extern "C" __global__ void layer_norm_##S(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) { layer_norm_body<T>(x, w, b, out, rows, C, eps, affine); }
LOCUS_FOR_FLOAT_TYPES(LAYER_NORM_ENTRY)

template <typename T>
__device__ void rms_norm_body(const T* x, const float* w, T* out, i64 rows, int C, float eps) {
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float s = 0.f;
        for (int c = threadIdx.x; c < C; c += blockDim.x) { float v = ld(xr, c); s += v * v; }
        float r = rsqrtf(block_sum(s) / C + eps);
        for (int c = threadIdx.x; c < C; c += blockDim.x) st(yr, c, ld(xr, c) * r * w[c]);
    }
}
#define RMS_NORM_ENTRY(S, T) extern "C" __global__ void rms_norm_##S(const T* x, const float* w, T* out, i64 rows, int C, float eps) { rms_norm_body<T>(x, w, out, rows, C, eps); }
LOCUS_FOR_FLOAT_TYPES(RMS_NORM_ENTRY)

template <typename T>
__device__ void softmax_body(const T* x, T* out, i64 rows, int C) {
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float m = -3.402823466e38f;
        for (int c = threadIdx.x; c < C; c += blockDim.x) m = fmaxf(m, ld(xr, c));
        m = block_max(m);
        float s = 0.f;
        for (int c = threadIdx.x; c < C; c += blockDim.x) s += expf(ld(xr, c) - m);
        float inv = 1.0f / block_sum(s);
        for (int c = threadIdx.x; c < C; c += blockDim.x) st(yr, c, expf(ld(xr, c) - m) * inv);
    }
}
#define SOFTMAX_ENTRY(S, T) extern "C" __global__ void softmax_##S(const T* x, T* out, i64 rows, int C) { softmax_body<T>(x, out, rows, C); }
LOCUS_FOR_FLOAT_TYPES(SOFTMAX_ENTRY)

// GroupNorm pass 1: one block per (b, g) over `count` = (C/G)·H·W contiguous elements → stats[2·bg] = (mean, rstd).
// Two-pass (mean, then squared deviations) for accuracy with large offsets.
template <typename T>
__device__ void group_norm_stats_body(const T* x, float* stats, i64 groups, i64 count, float eps) {
    for (i64 bg = blockIdx.x; bg < groups; bg += gridDim.x) {
        const T* xg = x + bg * count;
        float s = 0.f;
        for (i64 i = threadIdx.x; i < count; i += blockDim.x) s += ld(xg, i);
        float mean = block_sum(s) / (float)count;
        float v = 0.f;
        for (i64 i = threadIdx.x; i < count; i += blockDim.x) { float d = ld(xg, i) - mean; v += d * d; }
        float var = block_sum(v) / (float)count;
        if (threadIdx.x == 0) { stats[2 * bg] = mean; stats[2 * bg + 1] = rsqrtf(var + eps); }
    }
}
#define GN_STATS_ENTRY(S, T) extern "C" __global__ void group_norm_stats_##S(const T* x, float* stats, i64 groups, i64 count, float eps) { group_norm_stats_body<T>(x, stats, groups, count, eps); }
LOCUS_FOR_FLOAT_TYPES(GN_STATS_ENTRY)

// GroupNorm pass 2: x [B, C, HW]; y = (x − mean)·rstd·w[c] + b[c].
template <typename T>
__device__ void group_norm_apply_body(const T* x, const float* stats, const float* w, const float* b, T* out, i64 B, i64 C, i64 HW, i64 G) {
    i64 cpg = C / G;
    GRID_STRIDE(i, B * C * HW) {
        i64 c = (i / HW) % C, bb = i / (C * HW);
        i64 g = bb * G + c / cpg;
        st(out, i, (ld(x, i) - stats[2 * g]) * stats[2 * g + 1] * w[c] + b[c]);
    }
}
#define GN_APPLY_ENTRY(S, T) extern "C" __global__ void group_norm_apply_##S(const T* x, const float* stats, const float* w, const float* b, T* out, i64 B, i64 C, i64 HW, i64 G) { group_norm_apply_body<T>(x, stats, w, b, out, B, C, HW, G); }
LOCUS_FOR_FLOAT_TYPES(GN_APPLY_ENTRY)

// Row-cached vector variants (launcher: C % VEC == 0, x/out/w/b 16-byte aligned, C ≤ blockDim·VEC·NV): each thread loads
// its NV 16-byte vectors of the row once into registers, so x is read from memory once and every statistic is computed
// from registers (same two-pass LayerNorm as above). One block per row.
template <typename T, int NV>
__device__ void layer_norm_vec_body(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) {
    constexpr int V = VecWidth<T>::N;
    float v[NV][V];
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float s = 0.f;
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) { vload<T, V>(xr, c, v[k]);
#pragma unroll
                for (int e = 0; e < V; e++) s += v[k][e]; }
        }
        float mean = block_sum(s) / C;
        float q = 0.f;
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) {
#pragma unroll
                for (int e = 0; e < V; e++) { float d = v[k][e] - mean; q += d * d; } }
        }
        float rstd = rsqrtf(block_sum(q) / C + eps);
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) {
                float y[V];
#pragma unroll
                for (int e = 0; e < V; e++) { y[e] = (v[k][e] - mean) * rstd; if (affine) y[e] = y[e] * w[c + e] + b[c + e]; }
                vstore<T, V>(yr, c, y);
            }
        }
    }
}
template <typename T, int NV>
__device__ void rms_norm_vec_body(const T* x, const float* w, T* out, i64 rows, int C, float eps) {
    constexpr int V = VecWidth<T>::N;
    float v[NV][V];
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float s = 0.f;
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) { vload<T, V>(xr, c, v[k]);
#pragma unroll
                for (int e = 0; e < V; e++) s += v[k][e] * v[k][e]; }
        }
        float r = rsqrtf(block_sum(s) / C + eps);
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) {
                float y[V];
#pragma unroll
                for (int e = 0; e < V; e++) y[e] = v[k][e] * r * w[c + e];
                vstore<T, V>(yr, c, y);
            }
        }
    }
}
template <typename T, int NV>
__device__ void softmax_vec_body(const T* x, T* out, i64 rows, int C) {
    constexpr int V = VecWidth<T>::N;
    float v[NV][V];
    for (i64 row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * C;
        T* yr = out + row * C;
        float m = -3.402823466e38f;
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) { vload<T, V>(xr, c, v[k]);
#pragma unroll
                for (int e = 0; e < V; e++) m = fmaxf(m, v[k][e]); }
        }
        m = block_max(m);
        float s = 0.f;
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) {
#pragma unroll
                for (int e = 0; e < V; e++) { v[k][e] = expf(v[k][e] - m); s += v[k][e]; } }
        }
        float inv = 1.0f / block_sum(s);
#pragma unroll
        for (int k = 0; k < NV; k++) {
            u32 c = (u32)(k * blockDim.x + threadIdx.x) * V;
            if (c < (u32)C) {
                float y[V];
#pragma unroll
                for (int e = 0; e < V; e++) y[e] = v[k][e] * inv;
                vstore<T, V>(yr, c, y);
            }
        }
    }
}
#define LAYER_NORM_VEC1_ENTRY(S, T) extern "C" __global__ void layer_norm_vec1_##S(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) { layer_norm_vec_body<T, 1>(x, w, b, out, rows, C, eps, affine); }
LOCUS_FOR_FLOAT_TYPES(LAYER_NORM_VEC1_ENTRY)
#define RMS_NORM_VEC1_ENTRY(S, T) extern "C" __global__ void rms_norm_vec1_##S(const T* x, const float* w, T* out, i64 rows, int C, float eps) { rms_norm_vec_body<T, 1>(x, w, out, rows, C, eps); }
LOCUS_FOR_FLOAT_TYPES(RMS_NORM_VEC1_ENTRY)
#define SOFTMAX_VEC1_ENTRY(S, T) extern "C" __global__ void softmax_vec1_##S(const T* x, T* out, i64 rows, int C) { softmax_vec_body<T, 1>(x, out, rows, C); }
LOCUS_FOR_FLOAT_TYPES(SOFTMAX_VEC1_ENTRY)
#define LAYER_NORM_VEC2_ENTRY(S, T) extern "C" __global__ void layer_norm_vec2_##S(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) { layer_norm_vec_body<T, 2>(x, w, b, out, rows, C, eps, affine); }
LOCUS_FOR_FLOAT_TYPES(LAYER_NORM_VEC2_ENTRY)
#define RMS_NORM_VEC2_ENTRY(S, T) extern "C" __global__ void rms_norm_vec2_##S(const T* x, const float* w, T* out, i64 rows, int C, float eps) { rms_norm_vec_body<T, 2>(x, w, out, rows, C, eps); }
LOCUS_FOR_FLOAT_TYPES(RMS_NORM_VEC2_ENTRY)
#define SOFTMAX_VEC2_ENTRY(S, T) extern "C" __global__ void softmax_vec2_##S(const T* x, T* out, i64 rows, int C) { softmax_vec_body<T, 2>(x, out, rows, C); }
LOCUS_FOR_FLOAT_TYPES(SOFTMAX_VEC2_ENTRY)
#define LAYER_NORM_VEC4_ENTRY(S, T) extern "C" __global__ void layer_norm_vec4_##S(const T* x, const float* w, const float* b, T* out, i64 rows, int C, float eps, int affine) { layer_norm_vec_body<T, 4>(x, w, b, out, rows, C, eps, affine); }
LOCUS_FOR_FLOAT_TYPES(LAYER_NORM_VEC4_ENTRY)
#define RMS_NORM_VEC4_ENTRY(S, T) extern "C" __global__ void rms_norm_vec4_##S(const T* x, const float* w, T* out, i64 rows, int C, float eps) { rms_norm_vec_body<T, 4>(x, w, out, rows, C, eps); }
LOCUS_FOR_FLOAT_TYPES(RMS_NORM_VEC4_ENTRY)
#define SOFTMAX_VEC4_ENTRY(S, T) extern "C" __global__ void softmax_vec4_##S(const T* x, T* out, i64 rows, int C) { softmax_vec_body<T, 4>(x, out, rows, C); }
LOCUS_FOR_FLOAT_TYPES(SOFTMAX_VEC4_ENTRY)
