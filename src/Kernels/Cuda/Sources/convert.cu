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
