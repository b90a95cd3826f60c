// elementwise.cu: binary ops with numpy broadcasting over strided views, scalar affine, activations, strided copies.
// Inputs are described by StridedView (common.cuh); outputs are dense. Math in f32, stored in T.

template <typename T, int OP>
__device__ void binary_body(const T* a, const T* b, T* out, StridedView va, StridedView vb, i64 n) {
    GRID_STRIDE(i, n) {
        float x = ld(a, view_offset(va, i)), y = ld(b, view_offset(vb, i));
        float r = OP == 0 ? x + y : (OP == 1 ? x - y : x * y);
        st(out, i, r);
    }
}
#define ADD_ENTRY(S, T) extern "C" __global__ void add_##S(const T* a, const T* b, T* out, StridedView va, StridedView vb, i64 n) { binary_body<T, 0>(a, b, out, va, vb, n); }
#define SUB_ENTRY(S, T) extern "C" __global__ void sub_##S(const T* a, const T* b, T* out, StridedView va, StridedView vb, i64 n) { binary_body<T, 1>(a, b, out, va, vb, n); }
#define MUL_ENTRY(S, T) extern "C" __global__ void mul_##S(const T* a, const T* b, T* out, StridedView va, StridedView vb, i64 n) { binary_body<T, 2>(a, b, out, va, vb, n); }
LOCUS_FOR_FLOAT_TYPES(ADD_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SUB_ENTRY)
LOCUS_FOR_FLOAT_TYPES(MUL_ENTRY)

__device__ __forceinline__ float silu_f(float x) { return x / (1.0f + expf(-x)); }
__device__ __forceinline__ float gelu_tanh_f(float x) {
    const float k = 0.7978845608028654f;   // sqrt(2/pi)
    return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}
__device__ __forceinline__ float gelu_erf_f(float x) { return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f)); }

// OP: 0 scale (x*s + b), 1 silu, 2 gelu tanh, 3 gelu erf
template <typename T, int OP>
__device__ void unary_body(const T* x, T* out, StridedView vx, i64 n, float s, float b) {
    GRID_STRIDE(i, n) {
        float v = ld(x, view_offset(vx, i));
        float r = OP == 0 ? v * s + b : (OP == 1 ? silu_f(v) : (OP == 2 ? gelu_tanh_f(v) : gelu_erf_f(v)));
        st(out, i, r);
    }
}
#define SCALE_ENTRY(S, T) extern "C" __global__ void scale_##S(const T* x, T* out, StridedView vx, i64 n, float s, float b) { unary_body<T, 0>(x, out, vx, n, s, b); }
#define SILU_ENTRY(S, T) extern "C" __global__ void silu_##S(const T* x, T* out, StridedView vx, i64 n) { unary_body<T, 1>(x, out, vx, n, 0.f, 0.f); }
#define GELU_TANH_ENTRY(S, T) extern "C" __global__ void gelu_tanh_##S(const T* x, T* out, StridedView vx, i64 n) { unary_body<T, 2>(x, out, vx, n, 0.f, 0.f); }
#define GELU_ERF_ENTRY(S, T) extern "C" __global__ void gelu_erf_##S(const T* x, T* out, StridedView vx, i64 n) { unary_body<T, 3>(x, out, vx, n, 0.f, 0.f); }
LOCUS_FOR_FLOAT_TYPES(SCALE_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SILU_ENTRY)
LOCUS_FOR_FLOAT_TYPES(GELU_TANH_ENTRY)
LOCUS_FOR_FLOAT_TYPES(GELU_ERF_ENTRY)

// Dense copy of a strided view, by element size (bit-exact for any dtype).
template <typename W>
__device__ void copy_body(const W* x, W* out, StridedView vx, i64 n) {
    GRID_STRIDE(i, n) { out[i] = x[view_offset(vx, i)]; }
}
extern "C" __global__ void contiguous_b1(const unsigned char* x, unsigned char* out, StridedView vx, i64 n) { copy_body(x, out, vx, n); }
extern "C" __global__ void contiguous_b2(const unsigned short* x, unsigned short* out, StridedView vx, i64 n) { copy_body(x, out, vx, n); }
extern "C" __global__ void contiguous_b4(const u32* x, u32* out, StridedView vx, i64 n) { copy_body(x, out, vx, n); }
extern "C" __global__ void contiguous_b8(const u64* x, u64* out, StridedView vx, i64 n) { copy_body(x, out, vx, n); }

// Concatenation piece: src [outer, inner] → out [outer, outInner] at column offset `at`, by element size.
template <typename W>
__device__ void concat_body(const W* src, W* out, i64 outer, i64 inner, i64 outInner, i64 at) {
    GRID_STRIDE(i, outer * inner) { i64 o = i / inner, r = i - o * inner; out[o * outInner + at + r] = src[i]; }
}
extern "C" __global__ void concat_b1(const unsigned char* s, unsigned char* o, i64 outer, i64 inner, i64 outInner, i64 at) { concat_body(s, o, outer, inner, outInner, at); }
extern "C" __global__ void concat_b2(const unsigned short* s, unsigned short* o, i64 outer, i64 inner, i64 outInner, i64 at) { concat_body(s, o, outer, inner, outInner, at); }
extern "C" __global__ void concat_b4(const u32* s, u32* o, i64 outer, i64 inner, i64 outInner, i64 at) { concat_body(s, o, outer, inner, outInner, at); }
extern "C" __global__ void concat_b8(const u64* s, u64* o, i64 outer, i64 inner, i64 outInner, i64 at) { concat_body(s, o, outer, inner, outInner, at); }
