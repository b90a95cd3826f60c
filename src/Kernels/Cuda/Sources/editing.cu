// editing.cu: mask and map ops of the editing pipeline. Maps are [M, H, W] (M = product of leading dims), dense.

// x ← m·x + (1 − m)·(σ·ε + (1 − σ)·x0); x/x0/ε [rows, C], m [rows], σ f32 [1] (device).
template <typename T>
__device__ void flow_blend_body(const T* x, const T* x0, const T* eps, const T* m, const float* sigma, T* out, i64 rows, i64 C) {
    float sg = sigma[0];
    GRID_STRIDE(i, rows * C) {
        float mk = ld(m, i / C), xv = ld(x, i);
        float noised = sg * ld(eps, i) + (1.0f - sg) * ld(x0, i);
        st(out, i, mk * xv + (1.0f - mk) * noised);
    }
}
#define FLOW_BLEND_ENTRY(S, T) extern "C" __global__ void flow_blend_##S(const T* x, const T* x0, const T* e, const T* m, const float* sg, T* out, i64 rows, i64 C) { flow_blend_body<T>(x, x0, e, m, sg, out, rows, C); }
LOCUS_FOR_FLOAT_TYPES(FLOW_BLEND_ENTRY)

template <typename T>
__device__ void area_downsample_body(const T* x, T* out, i64 M, i64 H, i64 W, int fy, int fx) {
    i64 Ho = H / fy, Wo = W / fx;
    GRID_STRIDE(i, M * Ho * Wo) {
        i64 ox = i % Wo, oy = (i / Wo) % Ho, m = i / (Ho * Wo);
        const T* p = x + m * H * W;
        float s = 0.f;
        for (int dy = 0; dy < fy; ++dy)
            for (int dx = 0; dx < fx; ++dx) s += ld(p, (oy * fy + dy) * W + ox * fx + dx);
        st(out, i, s / (float)(fy * fx));
    }
}
#define AREA_ENTRY(S, T) extern "C" __global__ void area_downsample_##S(const T* x, T* out, i64 M, i64 H, i64 W, int fy, int fx) { area_downsample_body<T>(x, out, M, H, W, fy, fx); }
LOCUS_FOR_FLOAT_TYPES(AREA_ENTRY)

// align_corners = false: src = (dst + 0.5)·in/out − 0.5 clamped at 0 (PyTorch area_pixel_compute_source_index), borders clamped.
__device__ __forceinline__ void bilinear_src(i64 dst, i64 in, i64 outN, i64& i0, i64& i1, float& l) {
    double s = ((double)dst + 0.5) * (double)in / (double)outN - 0.5;
    if (s < 0) s = 0;
    i0 = (i64)s;
    if (i0 > in - 1) i0 = in - 1;
    i1 = i0 < in - 1 ? i0 + 1 : i0;
    l = (float)(s - (double)i0);
}
template <typename T>
__device__ void bilinear_body(const T* x, T* out, i64 M, i64 H, i64 W, i64 Ho, i64 Wo) {
    GRID_STRIDE(i, M * Ho * Wo) {
        i64 ox = i % Wo, oy = (i / Wo) % Ho, m = i / (Ho * Wo);
        i64 y0, y1, x0, x1; float ly, lx;
        bilinear_src(oy, H, Ho, y0, y1, ly);
        bilinear_src(ox, W, Wo, x0, x1, lx);
        const T* p = x + m * H * W;
        float top = (1.f - lx) * ld(p, y0 * W + x0) + lx * ld(p, y0 * W + x1);
        float bot = (1.f - lx) * ld(p, y1 * W + x0) + lx * ld(p, y1 * W + x1);
        st(out, i, (1.f - ly) * top + ly * bot);
    }
}
#define BILINEAR_ENTRY(S, T) extern "C" __global__ void bilinear_##S(const T* x, T* out, i64 M, i64 H, i64 W, i64 Ho, i64 Wo) { bilinear_body<T>(x, out, M, H, W, Ho, Wo); }
LOCUS_FOR_FLOAT_TYPES(BILINEAR_ENTRY)

template <typename T>
__device__ void threshold_body(const T* x, T* out, i64 n, float v) {
    GRID_STRIDE(i, n) { st(out, i, ld(x, i) >= v ? 1.0f : 0.0f); }
}
#define THRESHOLD_ENTRY(S, T) extern "C" __global__ void threshold_##S(const T* x, T* out, i64 n, float v) { threshold_body<T>(x, out, n, v); }
LOCUS_FOR_FLOAT_TYPES(THRESHOLD_ENTRY)

// Binary morphology of x > 0.5: dilate = any set in the element; erode = all set, outside the map counts as set.
template <typename T>
__device__ void morphology_body(const T* x, T* out, i64 M, i64 H, i64 W, int r, int elliptical, int erode) {
    GRID_STRIDE(i, M * H * W) {
        i64 px = i % W, py = (i / W) % H, m = i / (H * W);
        const T* p = x + m * H * W;
        bool result = erode ? true : false;
        for (int dy = -r; dy <= r && result == (bool)erode; ++dy) {
            for (int dx = -r; dx <= r; ++dx) {
                if (elliptical && dy * dy + dx * dx > r * r) continue;
                i64 yy = py + dy, xx = px + dx;
                bool inside = yy >= 0 && yy < H && xx >= 0 && xx < W;
                bool set = inside ? ld(p, yy * W + xx) > 0.5f : (erode ? true : false);
                if (erode && !set) { result = false; break; }
                if (!erode && set) { result = true; break; }
            }
        }
        st(out, i, result ? 1.0f : 0.0f);
    }
}
#define MORPHOLOGY_ENTRY(S, T) extern "C" __global__ void morphology_##S(const T* x, T* out, i64 M, i64 H, i64 W, int r, int elliptical, int erode) { morphology_body<T>(x, out, M, H, W, r, elliptical, erode); }
LOCUS_FOR_FLOAT_TYPES(MORPHOLOGY_ENTRY)

// 3×3 [1 2 1]ᵀ[1 2 1]/16 with replicated borders.
template <typename T>
__device__ void blur3_body(const T* x, T* out, i64 M, i64 H, i64 W) {
    GRID_STRIDE(i, M * H * W) {
        i64 px = i % W, py = (i / W) % H, m = i / (H * W);
        const T* p = x + m * H * W;
        float s = 0.f;
        for (int dy = -1; dy <= 1; ++dy) {
            i64 yy = py + dy; yy = yy < 0 ? 0 : (yy >= H ? H - 1 : yy);
            for (int dx = -1; dx <= 1; ++dx) {
                i64 xx = px + dx; xx = xx < 0 ? 0 : (xx >= W ? W - 1 : xx);
                float k = (float)((dy == 0 ? 2 : 1) * (dx == 0 ? 2 : 1));
                s += k * ld(p, yy * W + xx);
            }
        }
        st(out, i, s * 0.0625f);
    }
}
#define BLUR3_ENTRY(S, T) extern "C" __global__ void gaussian_blur3_##S(const T* x, T* out, i64 M, i64 H, i64 W) { blur3_body<T>(x, out, M, H, W); }
LOCUS_FOR_FLOAT_TYPES(BLUR3_ENTRY)

// One block per map: (x − min)/(max − min); a constant map becomes 0.
template <typename T>
__device__ void minmax_body(const T* x, T* out, i64 M, i64 HW) {
    for (i64 m = blockIdx.x; m < M; m += gridDim.x) {
        const T* p = x + m * HW;
        T* q = out + m * HW;
        float lo = 3.402823466e38f, hi = -3.402823466e38f;
        for (i64 i = threadIdx.x; i < HW; i += blockDim.x) { float v = ld(p, i); lo = fminf(lo, v); hi = fmaxf(hi, v); }
        hi = block_max(hi);
        lo = -block_max(-lo);
        float range = hi - lo;
        for (i64 i = threadIdx.x; i < HW; i += blockDim.x) st(q, i, range > 0.f ? (ld(p, i) - lo) / range : 0.0f);
    }
}
#define MINMAX_ENTRY(S, T) extern "C" __global__ void minmax_normalize_##S(const T* x, T* out, i64 M, i64 HW) { minmax_body<T>(x, out, M, HW); }
LOCUS_FOR_FLOAT_TYPES(MINMAX_ENTRY)
