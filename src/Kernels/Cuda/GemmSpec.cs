namespace Locus.Kernels.Cuda;

/// <summary>
/// One column-major cuBLASLt GEMM D[m, n] = op(A)[m, k]·op(B)[k, n] (+ epilogue), batched with strides (0 = shared operand).
/// Row-major engine tensors are passed with operands swapped (see <c>CudaMatrixKernels</c>).
/// </summary>
/// <param name="DataType">cudaDataType of A, B and D (0 = f32, 14 = bf16).</param>
/// <param name="TransA">op(A) = Aᵀ.</param>
/// <param name="TransB">op(B) = Bᵀ.</param>
/// <param name="M">Rows of D.</param>
/// <param name="N">Columns of D.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="Lda">Leading dimension of A as stored.</param>
/// <param name="Ldb">Leading dimension of B as stored.</param>
/// <param name="Ldd">Leading dimension of D.</param>
/// <param name="Batch">Batch count (1 = plain GEMM).</param>
/// <param name="StrideA">Elements between batches of A (0 = shared).</param>
/// <param name="StrideB">Elements between batches of B (0 = shared).</param>
/// <param name="StrideD">Elements between batches of D.</param>
/// <param name="Epilogue">cublasLtEpilogue_t: 1 default, 4 bias, 36 GELU(tanh)+bias.</param>
public readonly record struct GemmSpec(int DataType, bool TransA, bool TransB, long M, long N, long K, long Lda, long Ldb, long Ldd,
    int Batch = 1, long StrideA = 0, long StrideB = 0, long StrideD = 0, uint Epilogue = 1);
