using System.Numerics;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu.Core;

namespace Locus.Kernels.Cpu.Editing;

/// <summary>
/// FlowBlend on the CPU: y = fma(m, x, (1 − m)·fma(σ, ε, (1 − σ)·x0)) in f32, <see cref="Vector{T}"/> lanes over channels (see <see cref="CpuVec"/>), tokens split
/// across threads. At σ = 0 a token with m = 0 gets exactly x0 and one with m = 1 exactly x (finite inputs).
/// </summary>
internal static unsafe class CpuFlowBlend
{
    private const int TokensPerTask = 256;

    // x, x0, ε [B, N, C]; m [B, N, 1]; σ [1] → y [B, N, C].
    public static void Run(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        float sigma = HostMemory.ReadFloats(sources[4])[0];
        int channels = output.Shape[-1];
        int tokens = checked((int)(output.Shape.ElementCount / Math.Max(channels, 1)));
        if (output.DType != DType.F32)
        {
            var y = new float[output.Shape.ElementCount];
            // SAFETY: pins managed arrays for the duration of the block only.
            fixed (float* px = HostMemory.ReadFloats(sources[0]), px0 = HostMemory.ReadFloats(sources[1]), pe = HostMemory.ReadFloats(sources[2]),
                pm = HostMemory.ReadFloats(sources[3]), py = y)
            {
                // SAFETY: all arrays hold tokens·channels (mask: tokens) floats, matching the loop bounds.
                Blend(px, px0, pe, pm, py, sigma, channels, 0, tokens);
            }
            HostMemory.WriteFloats(output, y);
            return;
        }
        // SAFETY: the spans cover native host memory (pinning is a no-op); the pointers do not outlive the block.
        fixed (float* px = HostMemory.Dense<float>(sources[0]), px0 = HostMemory.Dense<float>(sources[1]), pe = HostMemory.Dense<float>(sources[2]),
            pm = HostMemory.Dense<float>(sources[3]), py = HostMemory.Dense<float>(output))
        {
            nint ax = (nint)px, ax0 = (nint)px0, ae = (nint)pe, am = (nint)pm, ay = (nint)py;
            int tasks = (tokens + TokensPerTask - 1) / TokensPerTask;
            if (tasks > 1 && (long)tokens * channels >= 1 << 15)
            {
                Parallel.For(0, tasks, t =>
                {
                    int begin = t * TokensPerTask, end = Math.Min(tokens, begin + TokensPerTask);
                    // SAFETY: the spans above are contiguous F32 tensors of tokens·channels (mask: tokens) elements; [begin, end) ⊂ [0, tokens).
                    Blend((float*)ax, (float*)ax0, (float*)ae, (float*)am, (float*)ay, sigma, channels, begin, end);
                });
            }
            else
            {
                // SAFETY: as above, one task over all tokens.
                Blend(px, px0, pe, pm, py, sigma, channels, 0, tokens);
            }
        }
    }

    private static void Blend(float* x, float* x0, float* eps, float* mask, float* y, float sigma, int channels, int begin, int end)
    {
        int w = CpuVec.Lanes;
        float keep = 1 - sigma;
        var vs = Vector.Create(sigma);
        var vk = Vector.Create(keep);
        for (int t = begin; t < end; t++)
        {
            float m = mask[t];
            float inv = 1 - m;
            var vm = Vector.Create(m);
            var vi = Vector.Create(inv);
            long row = (long)t * channels;
            int c = 0;
            for (; c + w <= channels; c += w)
            {
                long o = row + c;
                var source = CpuVec.MulAdd(vs, Vector.Load(eps + o), vk * Vector.Load(x0 + o));
                CpuVec.MulAdd(vm, Vector.Load(x + o), vi * source).Store(y + o);
            }
            for (; c < channels; c++)
            {
                long o = row + c;
                float source = MathF.FusedMultiplyAdd(sigma, eps[o], keep * x0[o]);
                y[o] = MathF.FusedMultiplyAdd(m, x[o], inv * source);
            }
        }
    }
}
