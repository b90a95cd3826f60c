namespace Locus.Kernels.Cpu.Core;

/// <summary>Fast row norms and softmax (rows in parallel, <see cref="CpuVec"/> vector lanes inside a row, two-pass statistics).</summary>
internal static unsafe class CpuNorm
{
    private const long Grain = 1 << 14;

    /// <summary>LayerNorm of rows × cols; w and b null for no affine.</summary>
    public static void LayerNorm(float* x, float* w, float* b, long rows, int cols, float eps, float* d)
    {
        nint px = (nint)x, pw = (nint)w, pb = (nint)b, pd = (nint)d;
        CpuParallel.For(rows, Math.Max(1, Grain / Math.Max(cols, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                float* xr = (float*)px + r * cols, dr = (float*)pd + r * cols;
                float mean = (float)(CpuVec.Sum(xr, cols) / cols);
                float inv = (float)(1.0 / Math.Sqrt(CpuVec.SumSquares(xr, mean, cols) / cols + eps));
                // y = (x − mean)·inv = x·inv − mean·inv
                CpuVec.Affine(xr, inv, -mean * inv, dr, cols);
                if (pw != 0)
                {
                    CpuVec.AffineVec(dr, (float*)pw, (float*)pb, dr, cols);
                }
            }
        });
    }

    /// <summary>RMSNorm of rows × cols with weight w.</summary>
    public static void RmsNorm(float* x, float* w, long rows, int cols, float eps, float* d)
    {
        nint px = (nint)x, pw = (nint)w, pd = (nint)d;
        CpuParallel.For(rows, Math.Max(1, Grain / Math.Max(cols, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                float* xr = (float*)px + r * cols, dr = (float*)pd + r * cols;
                float inv = (float)(1.0 / Math.Sqrt(CpuVec.SumSquares(xr, 0f, cols) / cols + eps));
                CpuVec.Affine(xr, inv, 0f, dr, cols);
                CpuVec.Binary(2, dr, (float*)pw, dr, cols);
            }
        });
    }

    /// <summary>GroupNorm of [B, C, S] (S = H·W) with G groups and per-channel affine.</summary>
    public static void GroupNorm(float* x, float* w, float* b, int batch, int channels, int spatial, int groups, float eps, float* d)
    {
        int cg = channels / groups;
        long size = (long)cg * spatial;
        nint px = (nint)x, pw = (nint)w, pb = (nint)b, pd = (nint)d;
        CpuParallel.For((long)batch * groups, 1, (g0, g1) =>
        {
            for (long bg = g0; bg < g1; bg++)
            {
                long start = bg * size;
                float* xs = (float*)px + start, ds = (float*)pd + start;
                float mean = (float)(CpuVec.Sum(xs, size) / size);
                float inv = (float)(1.0 / Math.Sqrt(CpuVec.SumSquares(xs, mean, size) / size + eps));
                int c0 = (int)(bg % groups) * cg;
                for (int c = 0; c < cg; c++)
                {
                    float a = inv * ((float*)pw)[c0 + c];
                    CpuVec.Affine(xs + (long)c * spatial, a, ((float*)pb)[c0 + c] - mean * a, ds + (long)c * spatial, spatial);
                }
            }
        });
    }

    /// <summary>Softmax of rows × cols.</summary>
    public static void Softmax(float* x, long rows, int cols, float* d)
    {
        nint px = (nint)x, pd = (nint)d;
        CpuParallel.For(rows, Math.Max(1, Grain / Math.Max(cols, 1)), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                float* xr = (float*)px + r * cols, dr = (float*)pd + r * cols;
                float max = CpuVec.Max(xr, cols);
                double sum = CpuActivations.ExpShiftSum(xr, max, dr, cols);
                CpuVec.Affine(dr, (float)(1.0 / sum), 0f, dr, cols);
            }
        });
    }
}
