// modulate.cu: AdaLN modulation, gated residual, rotary embedding, nearest x2 upsample, timestep embedding.

// y[b,n,c] = x[b,n,c]·(1 + scale[b,c]) + shift[b,c]; x [B, N, C].
template <typename T>
__device__ void modulate_body(const T* x, const T* scale, const T* shift, T* out, i64 B, i64 N, i64 C) {
    GRID_STRIDE(i, B * N * C) {
        i64 c = i % C, b = i / (N * C);
        st(out, i, ld(x, i) * (1.0f + ld(scale, b * C + c)) + ld(shift, b * C + c));
    }
}
#define MODULATE_ENTRY(S, T) extern "C" __global__ void modulate_##S(const T* x, const T* scale, const T* shift, T* out, i64 B, i64 N, i64 C) { modulate_body<T>(x, scale, shift, out, B, N, C); }
LOCUS_FOR_FLOAT_TYPES(MODULATE_ENTRY)

// h[b,n,c] = h0 + g·y with g = gate[b,c] (perToken = 0) or gate[b,n] (perToken = 1).
template <typename T>
__device__ void gated_residual_body(const T* h0, const T* gate, const T* y, T* out, i64 B, i64 N, i64 C, int perToken) {
    GRID_STRIDE(i, B * N * C) {
        i64 c = i % C, bn = i / C, b = bn / N;
        float g = perToken ? ld(gate, bn) : ld(gate, b * C + c);
        st(out, i, ld(h0, i) + g * ld(y, i));
    }
}
#define GATED_RESIDUAL_ENTRY(S, T) extern "C" __global__ void gated_residual_##S(const T* h0, const T* gate, const T* y, T* out, i64 B, i64 N, i64 C, int perToken) { gated_residual_body<T>(h0, gate, y, out, B, N, C, perToken); }
LOCUS_FOR_FLOAT_TYPES(GATED_RESIDUAL_ENTRY)

// Adjacent-pair RoPE: x [BH, N, D], cos/sin f32 [N, D/2]. One thread per pair.
template <typename T>
__device__ void rope_body(const T* x, const float* cs, const float* sn, T* out, i64 BH, i64 N, i64 D) {
    i64 half = D / 2;
    GRID_STRIDE(p, BH * N * half) {
        i64 k = p % half, n = (p / half) % N;
        i64 e = 2 * p;   // element index of x_{2k} (rows are dense: (bh·N + n)·D + 2k)
        float c = cs[n * half + k], s = sn[n * half + k];
        float x0 = ld(x, e), x1 = ld(x, e + 1);
        st(out, e, x0 * c - x1 * s);
        st(out, e + 1, x0 * s + x1 * c);
    }
}
#define ROPE_ENTRY(S, T) extern "C" __global__ void rope_##S(const T* x, const float* cs, const float* sn, T* out, i64 BH, i64 N, i64 D) { rope_body<T>(x, cs, sn, out, BH, N, D); }
LOCUS_FOR_FLOAT_TYPES(ROPE_ENTRY)

// ---- Fast paths (launcher-chosen): n < 2^31, C (or D) a multiple of V = 16/sizeof(T), every pointer 16-byte aligned.
// 32-bit indices and one 16-byte load per operand per V elements; same f32 expressions as the bodies above.
template <typename T>
__device__ void modulate_fast_body(const T* x, const T* scale, const T* shift, T* out, u32 total, u32 NC, u32 C) {
    constexpr int V = VecWidth<T>::N;
    GRID_STRIDE32(q, total / V) {
        u32 i = q * V, c = i % C, b = i / NC;
        float xv[V], sc[V], sh[V];
        vload<T, V>(x, i, xv);
        vload<T, V>(scale, b * C + c, sc);
        vload<T, V>(shift, b * C + c, sh);
#pragma unroll
        for (int j = 0; j < V; ++j) xv[j] = xv[j] * (1.0f + sc[j]) + sh[j];
        vstore<T, V>(out, i, xv);
    }
}
#define MODULATE_FAST_ENTRY(S, T) extern "C" __global__ void modulate_fast_##S(const T* x, const T* scale, const T* shift, T* out, u32 total, u32 NC, u32 C) { modulate_fast_body<T>(x, scale, shift, out, total, NC, C); }
LOCUS_FOR_FLOAT_TYPES(MODULATE_FAST_ENTRY)

template <typename T>
__device__ void gated_residual_fast_body(const T* h0, const T* gate, const T* y, T* out, u32 total, u32 NC, u32 C, int perToken) {
    constexpr int V = VecWidth<T>::N;
    GRID_STRIDE32(q, total / V) {
        u32 i = q * V, c = i % C, b = i / NC;
        float hv[V], yv[V], g[V];
        vload<T, V>(h0, i, hv);
        vload<T, V>(y, i, yv);
        if (perToken) {
            float gt = ld32(gate, i / C);
#pragma unroll
            for (int j = 0; j < V; ++j) g[j] = gt;
        } else {
            vload<T, V>(gate, b * C + c, g);
        }
#pragma unroll
        for (int j = 0; j < V; ++j) hv[j] = hv[j] + g[j] * yv[j];
        vstore<T, V>(out, i, hv);
    }
}
#define GATED_RESIDUAL_FAST_ENTRY(S, T) extern "C" __global__ void gated_residual_fast_##S(const T* h0, const T* gate, const T* y, T* out, u32 total, u32 NC, u32 C, int perToken) { gated_residual_fast_body<T>(h0, gate, y, out, total, NC, C, perToken); }
LOCUS_FOR_FLOAT_TYPES(GATED_RESIDUAL_FAST_ENTRY)

// RoPE on V-element vectors (V/2 pairs); D % V == 0 so a vector never crosses a row, cos/sin read as V/2 floats.
template <typename T>
__device__ void rope_fast_body(const T* x, const float* cs, const float* sn, T* out, u32 total, u32 N, u32 D) {
    constexpr int V = VecWidth<T>::N;
    u32 half = D / 2;
    GRID_STRIDE32(q, total / V) {
        u32 i = q * V, row = i / D, n = row % N, k = (i - row * D) / 2;
        float xv[V], c[V / 2], s[V / 2];
        vload<T, V>(x, i, xv);
        vload<float, V / 2>(cs, n * half + k, c);
        vload<float, V / 2>(sn, n * half + k, s);
#pragma unroll
        for (int j = 0; j < V / 2; ++j) {
            float x0 = xv[2 * j], x1 = xv[2 * j + 1];
            xv[2 * j] = x0 * c[j] - x1 * s[j];
            xv[2 * j + 1] = x0 * s[j] + x1 * c[j];
        }
        vstore<T, V>(out, i, xv);
    }
}
#define ROPE_FAST_ENTRY(S, T) extern "C" __global__ void rope_fast_##S(const T* x, const float* cs, const float* sn, T* out, u32 total, u32 N, u32 D) { rope_fast_body<T>(x, cs, sn, out, total, N, D); }
LOCUS_FOR_FLOAT_TYPES(ROPE_FAST_ENTRY)

// [BC, H, W] → [BC, 2H, 2W], y[.., i, j] = x[.., i/2, j/2].
template <typename T>
__device__ void upsample_body(const T* x, T* out, i64 BC, i64 H, i64 W) {
    i64 W2 = 2 * W, H2 = 2 * H;
    GRID_STRIDE(i, BC * H2 * W2) {
        i64 j = i % W2, r = (i / W2) % H2, m = i / (H2 * W2);
        out[i] = x[(m * H + r / 2) * W + j / 2];
    }
}
#define UPSAMPLE_ENTRY(S, T) extern "C" __global__ void upsample_nearest2x_##S(const T* x, T* out, i64 BC, i64 H, i64 W) { upsample_body<T>(x, out, BC, H, W); }
LOCUS_FOR_FLOAT_TYPES(UPSAMPLE_ENTRY)

// diffusers get_timestep_embedding: t [B] f32 → out [B, dim] f32. Reproduces ReferencePositions.TimestepEmbedding
// rounding by rounding: e = ((float)(−ln maxPeriod) · k) / (half − shift) in f32 (explicit _rn intrinsics so NVRTC cannot
// contract into FMA), freq = exp(e) evaluated in double and rounded once (= a correctly rounded expf, which is what
// MathF.Exp gives for these exponents, see TimestepFrequencyTests), angle = (float)(timeScale · (float)(t · freq)),
// sin/cos in double.
extern "C" __global__ void timestep_embedding_f32(const float* t, float* out, int B, int dim, int flip, float shift, float timeScale, float maxPeriod) {
    int half = dim / 2;
    float lnp = (float)(-log((double)maxPeriod));
    float den = __fsub_rn((float)half, shift);
    GRID_STRIDE(i, (i64)B * half) {
        int k = (int)(i % half), b = (int)(i / half);
        float e = __fdiv_rn(__fmul_rn(lnp, (float)k), den);
        float freq = (float)exp((double)e);
        float a = __fmul_rn(timeScale, __fmul_rn(t[b], freq));
        double arg = (double)a;
        float s = (float)sin(arg), c = (float)cos(arg);
        out[(i64)b * dim + k] = flip ? c : s;
        out[(i64)b * dim + half + k] = flip ? s : c;
    }
}
