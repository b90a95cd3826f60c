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
__device__ __forceinline__ float sigmoid_f(float x) { return 1.0f / (1.0f + expf(-x)); }

// OP: 0 scale (x*s + b), 1 silu, 2 gelu tanh, 3 gelu erf, 4 sigmoid
template <typename T, int OP>
__device__ void unary_body(const T* x, T* out, StridedView vx, i64 n, float s, float b) {
    GRID_STRIDE(i, n) {
        float v = ld(x, view_offset(vx, i));
        float r = OP == 0 ? v * s + b : (OP == 1 ? silu_f(v) : (OP == 2 ? gelu_tanh_f(v) : (OP == 3 ? gelu_erf_f(v) : sigmoid_f(v))));
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
#define SIGMOID_ENTRY(S, T) extern "C" __global__ void sigmoid_##S(const T* x, T* out, StridedView vx, i64 n) { unary_body<T, 4>(x, out, vx, n, 0.f, 0.f); }
LOCUS_FOR_FLOAT_TYPES(GELU_ERF_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SIGMOID_ENTRY)

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

// ---- Contiguous fast paths (launcher-chosen: dense output, n < 2^31, 32-bit indices, grid-stride) ----
// Operand kinds: 0 dense (element i), 1 row broadcast [C] over [.., C] (i % C), 2 per-row [.., 1] (i / C), 3 scalar.
// vec = 1: 16-byte vectors of V = 16/sizeof(T) elements (launcher checked 16-byte alignment of every pointer and, for
// kinds 1/2, C % V == 0), then a scalar tail; vec = 0: all scalar.
__device__ __forceinline__ u32 kind_index(int kind, u32 i, u32 C) { return kind == 0 ? i : (kind == 1 ? i % C : (kind == 2 ? i / C : 0u)); }

template <typename T, int V>
__device__ __forceinline__ void load_operand(const T* p, int kind, u32 i, u32 C, float* v) {
    if (kind == 0) { vload<T, V>(p, i, v); return; }
    if (kind == 1) { vload<T, V>(p, i % C, v); return; }
    float s = ld32(p, kind == 2 ? i / C : 0u);
#pragma unroll
    for (int j = 0; j < V; ++j) v[j] = s;
}

template <int OP> __device__ __forceinline__ float bin_op(float x, float y) { return OP == 0 ? x + y : (OP == 1 ? x - y : x * y); }

template <typename T, int OP>
__device__ void binary_fast_body(const T* a, const T* b, T* out, u32 n, u32 C, int ka, int kb, int vec) {
    constexpr int V = VecWidth<T>::N;
    u32 nv = vec ? n / V : 0u;
    GRID_STRIDE32(q, nv) {
        u32 i = q * V;
        float x[V], y[V];
        load_operand<T, V>(a, ka, i, C, x);
        load_operand<T, V>(b, kb, i, C, y);
#pragma unroll
        for (int j = 0; j < V; ++j) x[j] = bin_op<OP>(x[j], y[j]);
        vstore<T, V>(out, i, x);
    }
    for (u32 i = nv * V + blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        st32(out, i, bin_op<OP>(ld32(a, kind_index(ka, i, C)), ld32(b, kind_index(kb, i, C))));
}
#define ADD_FAST_ENTRY(S, T) extern "C" __global__ void add_fast_##S(const T* a, const T* b, T* out, u32 n, u32 C, int ka, int kb, int vec) { binary_fast_body<T, 0>(a, b, out, n, C, ka, kb, vec); }
#define SUB_FAST_ENTRY(S, T) extern "C" __global__ void sub_fast_##S(const T* a, const T* b, T* out, u32 n, u32 C, int ka, int kb, int vec) { binary_fast_body<T, 1>(a, b, out, n, C, ka, kb, vec); }
#define MUL_FAST_ENTRY(S, T) extern "C" __global__ void mul_fast_##S(const T* a, const T* b, T* out, u32 n, u32 C, int ka, int kb, int vec) { binary_fast_body<T, 2>(a, b, out, n, C, ka, kb, vec); }
LOCUS_FOR_FLOAT_TYPES(ADD_FAST_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SUB_FAST_ENTRY)
LOCUS_FOR_FLOAT_TYPES(MUL_FAST_ENTRY)

template <int OP> __device__ __forceinline__ float un_op(float v, float s, float b) {
    return OP == 0 ? v * s + b : (OP == 1 ? silu_f(v) : (OP == 2 ? gelu_tanh_f(v) : (OP == 3 ? gelu_erf_f(v) : sigmoid_f(v))));
}
template <typename T, int OP>
__device__ void unary_fast_body(const T* x, T* out, u32 n, int vec, float s, float b) {
    constexpr int V = VecWidth<T>::N;
    u32 nv = vec ? n / V : 0u;
    GRID_STRIDE32(q, nv) {
        u32 i = q * V;
        float v[V];
        vload<T, V>(x, i, v);
#pragma unroll
        for (int j = 0; j < V; ++j) v[j] = un_op<OP>(v[j], s, b);
        vstore<T, V>(out, i, v);
    }
    for (u32 i = nv * V + blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x)
        st32(out, i, un_op<OP>(ld32(x, i), s, b));
}
#define SCALE_FAST_ENTRY(S, T) extern "C" __global__ void scale_fast_##S(const T* x, T* out, u32 n, int vec, float s, float b) { unary_fast_body<T, 0>(x, out, n, vec, s, b); }
#define SILU_FAST_ENTRY(S, T) extern "C" __global__ void silu_fast_##S(const T* x, T* out, u32 n, int vec) { unary_fast_body<T, 1>(x, out, n, vec, 0.f, 0.f); }
#define GELU_TANH_FAST_ENTRY(S, T) extern "C" __global__ void gelu_tanh_fast_##S(const T* x, T* out, u32 n, int vec) { unary_fast_body<T, 2>(x, out, n, vec, 0.f, 0.f); }
#define GELU_ERF_FAST_ENTRY(S, T) extern "C" __global__ void gelu_erf_fast_##S(const T* x, T* out, u32 n, int vec) { unary_fast_body<T, 3>(x, out, n, vec, 0.f, 0.f); }
LOCUS_FOR_FLOAT_TYPES(SCALE_FAST_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SILU_FAST_ENTRY)
LOCUS_FOR_FLOAT_TYPES(GELU_TANH_FAST_ENTRY)
#define SIGMOID_FAST_ENTRY(S, T) extern "C" __global__ void sigmoid_fast_##S(const T* x, T* out, u32 n, int vec) { unary_fast_body<T, 4>(x, out, n, vec, 0.f, 0.f); }
LOCUS_FOR_FLOAT_TYPES(GELU_ERF_FAST_ENTRY)
LOCUS_FOR_FLOAT_TYPES(SIGMOID_FAST_ENTRY)

// ---- Contiguous of a view whose last dim is dense (stride 1), e.g. the [B,N,H,D] → [B,H,N,D] head split: every
// output row is one dense source run. Copied in units W (16/8/4/2/1 bytes, the largest dividing the row bytes, every
// leading stride and both pointers; chosen by the launcher), 32-bit indices, one unit per thread per iteration.
struct RowView {
    u32 size[5];     // leading output dims (all but the last), padded with leading 1s
    u32 stride[5];   // source strides of those dims, in units of W
    int rank;        // number of leading dims used (≤ 5)
    u32 unitsPerRow; // row length in units of W
};
template <typename W>
__device__ void copy_rows_body(const W* x, W* out, RowView v, u32 total) {
    GRID_STRIDE32(q, total) {
        u32 row = q / v.unitsPerRow, col = q - row * v.unitsPerRow, off = 0;
        for (int d = v.rank - 1; d >= 0; --d) { u32 s = v.size[d]; off += (row % s) * v.stride[d]; row /= s; }
        out[q] = x[off + col];
    }
}
extern "C" __global__ void copy_rows_u1(const unsigned char* x, unsigned char* out, RowView v, u32 total) { copy_rows_body(x, out, v, total); }
extern "C" __global__ void copy_rows_u2(const unsigned short* x, unsigned short* out, RowView v, u32 total) { copy_rows_body(x, out, v, total); }
extern "C" __global__ void copy_rows_u4(const u32* x, u32* out, RowView v, u32 total) { copy_rows_body(x, out, v, total); }
extern "C" __global__ void copy_rows_u8(const RawVec<8>* x, RawVec<8>* out, RowView v, u32 total) { copy_rows_body(x, out, v, total); }
extern "C" __global__ void copy_rows_u16(const RawVec<16>* x, RawVec<16>* out, RowView v, u32 total) { copy_rows_body(x, out, v, total); }

// ---- Contiguous of a view whose last two dims are swapped (source dense along output dim r-2): 32×32 tiles through
// shared memory so reads and writes are both coalesced. Block (32, 8); grid (⌈B/32⌉, ⌈A/32⌉, batches).
struct TransposeView {
    u32 size[4];     // leading output dims (all but the last two), padded with leading 1s
    u32 stride[4];   // source strides of those dims (elements)
    int rank;        // leading dims used (≤ 4)
    u32 A, B;        // output dims r-2 and r-1
    u32 S1;          // source stride of output dim r-1 (output dim r-2 has source stride 1)
};
template <typename W>
__device__ void transpose_body(const W* x, W* out, TransposeView v) {
    __shared__ W tile[32][33];
    u32 batch = blockIdx.z, rest = batch, off = 0;
    for (int d = v.rank - 1; d >= 0; --d) { u32 s = v.size[d]; off += (rest % s) * v.stride[d]; rest /= s; }
    u32 ob = batch * v.A * v.B, i0 = blockIdx.y * 32, j0 = blockIdx.x * 32;
    for (u32 r = threadIdx.y; r < 32; r += 8) {
        u32 i = i0 + threadIdx.x, j = j0 + r;
        if (i < v.A && j < v.B) tile[r][threadIdx.x] = x[off + i + j * v.S1];
    }
    __syncthreads();
    for (u32 r = threadIdx.y; r < 32; r += 8) {
        u32 i = i0 + r, j = j0 + threadIdx.x;
        if (i < v.A && j < v.B) out[ob + i * v.B + j] = tile[threadIdx.x][r];
    }
}
extern "C" __global__ void transpose_b1(const unsigned char* x, unsigned char* out, TransposeView v) { transpose_body(x, out, v); }
extern "C" __global__ void transpose_b2(const unsigned short* x, unsigned short* out, TransposeView v) { transpose_body(x, out, v); }
extern "C" __global__ void transpose_b4(const u32* x, u32* out, TransposeView v) { transpose_body(x, out, v); }
extern "C" __global__ void transpose_b8(const u64* x, u64* out, TransposeView v) { transpose_body(x, out, v); }
