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

// diffusers get_timestep_embedding in double: t [B] f32 → out [B, dim] f32.
extern "C" __global__ void timestep_embedding_f32(const float* t, float* out, int B, int dim, int flip, float shift, float timeScale, float maxPeriod) {
    int half = dim / 2;
    GRID_STRIDE(i, (i64)B * half) {
        int k = (int)(i % half), b = (int)(i / half);
        // frequency and angle in f32 exactly as torch (diffusers parity); sin/cos in double
        float freq = expf((float)(-log((double)maxPeriod)) * (float)k / ((float)half - shift));
        double arg = (double)(timeScale * (t[b] * freq));
        float s = (float)sin(arg), c = (float)cos(arg);
        out[(i64)b * dim + k] = flip ? c : s;
        out[(i64)b * dim + half + k] = flip ? s : c;
    }
}
