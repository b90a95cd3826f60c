// conv.cu: direct 2-D cross-correlation, NCHW, zero padding, f32 accumulation. One thread per output element;
// weights/bias are f32 (the launcher widens them). x [B, Ci, H, W], w [Co, Ci, KH, KW] → out [B, Co, Ho, Wo].
struct ConvShape {
    i64 B, Ci, H, W, Co, KH, KW, Ho, Wo;
    int stride, padTop, padLeft, hasBias;
};

template <typename T>
__device__ void conv2d_body(const T* x, const float* w, const float* bias, T* out, ConvShape s) {
    GRID_STRIDE(i, s.B * s.Co * s.Ho * s.Wo) {
        i64 ox = i % s.Wo, oy = (i / s.Wo) % s.Ho, co = (i / (s.Wo * s.Ho)) % s.Co, b = i / (s.Wo * s.Ho * s.Co);
        float acc = s.hasBias ? bias[co] : 0.f;
        i64 iy0 = oy * s.stride - s.padTop, ix0 = ox * s.stride - s.padLeft;
        for (i64 ci = 0; ci < s.Ci; ++ci) {
            const T* xp = x + (b * s.Ci + ci) * s.H * s.W;
            const float* wp = w + (co * s.Ci + ci) * s.KH * s.KW;
            for (i64 ky = 0; ky < s.KH; ++ky) {
                i64 iy = iy0 + ky;
                if (iy < 0 || iy >= s.H) continue;
                for (i64 kx = 0; kx < s.KW; ++kx) {
                    i64 ix = ix0 + kx;
                    if (ix < 0 || ix >= s.W) continue;
                    acc += ld(xp, iy * s.W + ix) * wp[ky * s.KW + kx];
                }
            }
        }
        st(out, i, acc);
    }
}
#define CONV2D_ENTRY(S, T) extern "C" __global__ void conv2d_##S(const T* x, const float* w, const float* bias, T* out, ConvShape s) { conv2d_body<T>(x, w, bias, out, s); }
LOCUS_FOR_FLOAT_TYPES(CONV2D_ENTRY)

// ---- GEMM path (launcher-chosen): per batch image and per tile of `tile` output pixels,
//   col [Kp, tile] = im2col(x_b)  (row k = ci·KH·KW + ky·KW + kx; rows ≥ K and pixels ≥ Ho·Wo are zero),
//   d   [Co, tile] = W' [Co, Kp] · col          (cuBLASLt, f32 accumulate, d in scratch),
//   out [Co, p0 + j] = d[co, j] + bias[co]      (conv_store).
// x and out point at batch image b; 32-bit indices inside one image/tile (the launcher checks the sizes).
template <typename T>
__device__ void im2col_body(const T* x, T* col, ConvShape s, u32 p0, u32 tile, u32 K, u32 total) {
    u32 khw = (u32)(s.KH * s.KW), P = (u32)(s.Ho * s.Wo);
    GRID_STRIDE32(i, total) {
        u32 k = i / tile, p = p0 + (i - k * tile);
        T v = T();
        if (k < K && p < P) {
            u32 ci = k / khw, r = k - ci * khw, ky = r / (u32)s.KW, kx = r - ky * (u32)s.KW;
            u32 oy = p / (u32)s.Wo, ox = p - oy * (u32)s.Wo;
            int iy = (int)(oy * s.stride + ky) - s.padTop, ix = (int)(ox * s.stride + kx) - s.padLeft;
            if (iy >= 0 && iy < (int)s.H && ix >= 0 && ix < (int)s.W) v = x[((u32)ci * (u32)s.H + (u32)iy) * (u32)s.W + (u32)ix];
        }
        col[i] = v;
    }
}
#define IM2COL_ENTRY(S, T) extern "C" __global__ void im2col_##S(const T* x, T* col, ConvShape s, u32 p0, u32 tile, u32 K, u32 total) { im2col_body<T>(x, col, s, p0, tile, K, total); }
LOCUS_FOR_FLOAT_TYPES(IM2COL_ENTRY)

// W' [Co, Kp] in T from the f32 weights [Co, K] (columns ≥ K zero).
template <typename T>
__device__ void conv_weight_body(const float* w, T* out, u32 Co, u32 K, u32 Kp) {
    GRID_STRIDE32(i, Co * Kp) { u32 co = i / Kp, k = i - co * Kp; st32(out, i, k < K ? w[co * K + k] : 0.f); }
}
#define CONV_WEIGHT_ENTRY(S, T) extern "C" __global__ void conv_weight_##S(const float* w, T* out, u32 Co, u32 K, u32 Kp) { conv_weight_body<T>(w, out, Co, K, Kp); }
LOCUS_FOR_FLOAT_TYPES(CONV_WEIGHT_ENTRY)

// out[co, p0 + j] = d[co, j] (+ bias[co]) for j < valid; out points at batch image b, row length P.
template <typename T>
__device__ void conv_store_body(const T* d, const float* bias, T* out, u32 Co, u32 tile, u32 p0, u32 P, u32 valid, int hasBias) {
    GRID_STRIDE32(i, Co * valid) {
        u32 co = i / valid, j = i - co * valid;
        float v = ld32(d, co * tile + j);
        if (hasBias) v += bias[co];
        st(out, (i64)co * P + p0 + j, v);
    }
}
#define CONV_STORE_ENTRY(S, T) extern "C" __global__ void conv_store_##S(const T* d, const float* bias, T* out, u32 Co, u32 tile, u32 p0, u32 P, u32 valid, int hasBias) { conv_store_body<T>(d, bias, out, Co, tile, p0, P, valid, hasBias); }
LOCUS_FOR_FLOAT_TYPES(CONV_STORE_ENTRY)
