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
