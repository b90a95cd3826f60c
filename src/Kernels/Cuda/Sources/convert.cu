// convert.cu: dtype conversion of a strided view to a dense output; narrowing rounds to nearest even.
template <typename TI, typename TO>
__device__ void convert_body(const TI* x, TO* out, StridedView vx, i64 n) {
    GRID_STRIDE(i, n) { st(out, i, ld(x, view_offset(vx, i))); }
}
extern "C" __global__ void convert_f32_bf16(const float* x, bf16_t* out, StridedView vx, i64 n) { convert_body<float, bf16_t>(x, out, vx, n); }
extern "C" __global__ void convert_bf16_f32(const bf16_t* x, float* out, StridedView vx, i64 n) { convert_body<bf16_t, float>(x, out, vx, n); }
extern "C" __global__ void convert_f32_f16(const float* x, f16_t* out, StridedView vx, i64 n) { convert_body<float, f16_t>(x, out, vx, n); }
extern "C" __global__ void convert_f16_f32(const f16_t* x, float* out, StridedView vx, i64 n) { convert_body<f16_t, float>(x, out, vx, n); }
extern "C" __global__ void convert_bf16_f16(const bf16_t* x, f16_t* out, StridedView vx, i64 n) { convert_body<bf16_t, f16_t>(x, out, vx, n); }
extern "C" __global__ void convert_f16_bf16(const f16_t* x, bf16_t* out, StridedView vx, i64 n) { convert_body<f16_t, bf16_t>(x, out, vx, n); }
extern "C" __global__ void convert_f32_f32(const float* x, float* out, StridedView vx, i64 n) { convert_body<float, float>(x, out, vx, n); }
extern "C" __global__ void convert_bf16_bf16(const bf16_t* x, bf16_t* out, StridedView vx, i64 n) { convert_body<bf16_t, bf16_t>(x, out, vx, n); }
extern "C" __global__ void convert_f16_f16(const f16_t* x, f16_t* out, StridedView vx, i64 n) { convert_body<f16_t, f16_t>(x, out, vx, n); }

// Contiguous fast path: dense input, n < 2^31; vec = 1 moves V = 16/max(sizeof) elements per load (pointers 16-byte
// aligned, checked by the launcher), then a scalar tail.
template <typename TI, typename TO>
__device__ void convert_fast_body(const TI* x, TO* out, u32 n, int vec) {
    constexpr int V = 16 / (sizeof(TI) > sizeof(TO) ? (int)sizeof(TI) : (int)sizeof(TO));
    u32 nv = vec ? n / V : 0u;
    GRID_STRIDE32(q, nv) {
        float v[V];
        vload<TI, V>(x, q * V, v);
        vstore<TO, V>(out, q * V, v);
    }
    for (u32 i = nv * V + blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) st32(out, i, ld32(x, i));
}
extern "C" __global__ void convert_fast_f32_bf16(const float* x, bf16_t* out, u32 n, int vec) { convert_fast_body<float, bf16_t>(x, out, n, vec); }
extern "C" __global__ void convert_fast_bf16_f32(const bf16_t* x, float* out, u32 n, int vec) { convert_fast_body<bf16_t, float>(x, out, n, vec); }
extern "C" __global__ void convert_fast_f32_f16(const float* x, f16_t* out, u32 n, int vec) { convert_fast_body<float, f16_t>(x, out, n, vec); }
extern "C" __global__ void convert_fast_f16_f32(const f16_t* x, float* out, u32 n, int vec) { convert_fast_body<f16_t, float>(x, out, n, vec); }
extern "C" __global__ void convert_fast_bf16_f16(const bf16_t* x, f16_t* out, u32 n, int vec) { convert_fast_body<bf16_t, f16_t>(x, out, n, vec); }
extern "C" __global__ void convert_fast_f16_bf16(const f16_t* x, bf16_t* out, u32 n, int vec) { convert_fast_body<f16_t, bf16_t>(x, out, n, vec); }
