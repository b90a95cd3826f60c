// common.cuh: prepended to every Locus .cu source by KernelSources.Get (never #included; no toolkit headers).
// Own fixed-width types, bf16/f16 <-> f32 conversions (RNE, sm_80+), typed load/store, warp/block reductions and the
// strided indexer used by elementwise kernels.
typedef unsigned short bf16;
typedef unsigned short f16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

struct bf16_t { bf16 bits; };   // distinct types so template dispatch can tell bf16 from f16
struct f16_t { f16 bits; };

__device__ __forceinline__ float bf16_to_f32(bf16 x) { return __uint_as_float(((u32)x) << 16); }
__device__ __forceinline__ bf16 f32_to_bf16(float x) {
    bf16 r; asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(r) : "f"(x)); return r;
}
__device__ __forceinline__ float f16_to_f32(f16 x) {
    float r; asm("cvt.f32.f16 %0, %1;" : "=f"(r) : "h"(x)); return r;
}
__device__ __forceinline__ f16 f32_to_f16(float x) {
    f16 r; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(r) : "f"(x)); return r;
}

// Typed element access: T is float, bf16_t or f16_t; values always computed in f32.
__device__ __forceinline__ float ld(const float* p, i64 i) { return p[i]; }
__device__ __forceinline__ float ld(const bf16_t* p, i64 i) { return bf16_to_f32(p[i].bits); }
__device__ __forceinline__ float ld(const f16_t* p, i64 i) { return f16_to_f32(p[i].bits); }
__device__ __forceinline__ void st(float* p, i64 i, float v) { p[i] = v; }
__device__ __forceinline__ void st(bf16_t* p, i64 i, float v) { p[i].bits = f32_to_bf16(v); }
__device__ __forceinline__ void st(f16_t* p, i64 i, float v) { p[i].bits = f32_to_f16(v); }

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
// Block-wide sum/max (blockDim.x a multiple of 32, ≤ 1024); every thread gets the result. Uses 33 floats of shared memory.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float s_red[33];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) s_red[warp] = v;
    __syncthreads();
    if (warp == 0) { float t = lane < nw ? s_red[lane] : 0.f; t = warp_sum(t); if (lane == 0) s_red[32] = t; }
    __syncthreads();
    return s_red[32];
}
__device__ __forceinline__ float block_max(float v) {
    __shared__ float s_redm[33];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) s_redm[warp] = v;
    __syncthreads();
    if (warp == 0) { float t = lane < nw ? s_redm[lane] : -3.402823466e38f; t = warp_max(t); if (lane == 0) s_redm[32] = t; }
    __syncthreads();
    return s_redm[32];
}

// Strided view of an operand broadcast to the output shape (rank ≤ 6, right-aligned; stride 0 on broadcast dims).
// Matches StridedView in Cuda/Ops/ElementwiseLaunch.cs (8-byte fields first).
#define LOCUS_MAX_RANK 6
struct StridedView {
    i64 size[LOCUS_MAX_RANK];      // output dims (padded with leading 1s)
    i64 stride[LOCUS_MAX_RANK];    // element strides of this operand (0 where broadcast)
    int rank;
    int contiguous;                // 1: element i is at i (same shape, dense), skip index math
};
__device__ __forceinline__ i64 view_offset(const StridedView& v, i64 linear) {
    if (v.contiguous) return linear;
    i64 off = 0;
    for (int d = v.rank - 1; d >= 0; --d) { i64 s = v.size[d]; off += (linear % s) * v.stride[d]; linear /= s; }
    return off;
}

#define GRID_STRIDE(i, n) for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

// Entry points: each kernel file defines ENTRY macros `#define FOO_ENTRY(S, T) extern "C" __global__ void foo_##S(...) { foo_body<T>(...); }`
// and instantiates them with LOCUS_FOR_FLOAT_TYPES(FOO_ENTRY), giving foo_f32 (T = float), foo_bf16 (T = bf16_t) and foo_f16 (T = f16_t).
#define LOCUS_FOR_FLOAT_TYPES(X) X(f32, float) X(bf16, bf16_t) X(f16, f16_t)

// Vector access for the contiguous fast paths: V elements of T as one 8- or 16-byte load/store (caller guarantees the
// element index is a multiple of V and the base pointer is 16-byte aligned). Values unpacked to f32.
template <int BYTES> struct RawVec;
template <> struct alignas(16) RawVec<16> { u32 w[4]; };
template <> struct alignas(8) RawVec<8> { u32 w[2]; };
__device__ __forceinline__ void unpack_words(const float*, const u32* w, float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) v[j] = __uint_as_float(w[j]);
}
__device__ __forceinline__ void unpack_words(const bf16_t*, const u32* w, float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) { v[2 * j] = __uint_as_float(w[j] << 16); v[2 * j + 1] = __uint_as_float(w[j] & 0xffff0000u); }
}
__device__ __forceinline__ void unpack_words(const f16_t*, const u32* w, float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) { v[2 * j] = f16_to_f32((f16)(w[j] & 0xffffu)); v[2 * j + 1] = f16_to_f32((f16)(w[j] >> 16)); }
}
__device__ __forceinline__ void pack_words(float*, u32* w, const float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) w[j] = __float_as_uint(v[j]);
}
__device__ __forceinline__ void pack_words(bf16_t*, u32* w, const float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) w[j] = (u32)f32_to_bf16(v[2 * j]) | ((u32)f32_to_bf16(v[2 * j + 1]) << 16);
}
__device__ __forceinline__ void pack_words(f16_t*, u32* w, const float* v, int nw) {
#pragma unroll
    for (int j = 0; j < 4; ++j) if (j < nw) w[j] = (u32)f32_to_f16(v[2 * j]) | ((u32)f32_to_f16(v[2 * j + 1]) << 16);
}
// Elements per 16-byte vector of T (4 f32, 8 bf16/f16).
template <typename T> struct VecWidth { static constexpr int N = 16 / (int)sizeof(T); };
template <typename T, int V>
__device__ __forceinline__ void vload(const T* p, u32 i, float* v) {
    constexpr int B = V * (int)sizeof(T);
    RawVec<B> r = *reinterpret_cast<const RawVec<B>*>(p + i);
    unpack_words((const T*)0, r.w, v, B / 4);
}
template <typename T, int V>
__device__ __forceinline__ void vstore(T* p, u32 i, const float* v) {
    constexpr int B = V * (int)sizeof(T);
    RawVec<B> r;
    pack_words((T*)0, r.w, v, B / 4);
    *reinterpret_cast<RawVec<B>*>(p + i) = r;
}
// 32-bit scalar access for the fast paths' tails.
__device__ __forceinline__ float ld32(const float* p, u32 i) { return p[i]; }
__device__ __forceinline__ float ld32(const bf16_t* p, u32 i) { return bf16_to_f32(p[i].bits); }
__device__ __forceinline__ float ld32(const f16_t* p, u32 i) { return f16_to_f32(p[i].bits); }
__device__ __forceinline__ void st32(float* p, u32 i, float v) { p[i] = v; }
__device__ __forceinline__ void st32(bf16_t* p, u32 i, float v) { p[i].bits = f32_to_bf16(v); }
__device__ __forceinline__ void st32(f16_t* p, u32 i, float v) { p[i].bits = f32_to_f16(v); }
#define GRID_STRIDE32(i, n) for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < (u32)(n); i += blockDim.x * gridDim.x)
