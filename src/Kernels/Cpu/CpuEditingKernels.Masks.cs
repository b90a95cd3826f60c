using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Cpu;

public static partial class CpuEditingKernels
{
    private static void Dilate(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) =>
        Morphology(node, sources[0], output, dilate: true);

    private static void Erode(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) =>
        Morphology(node, sources[0], output, dilate: false);

    // [..., H, W]: row prefix counts of set pixels (x > 0.5); for each element row dy (half-width w(dy)), the count over
    // the clamped span [c − w, c + w] of row r + dy decides: dilate = any count > 0, erode = every count = span width.
    private static void Morphology(Node node, BoundTensor input, BoundTensor output, bool dilate)
    {
        var p = node.ParamsAs<MorphologyParams>();
        var x = HostMemory.ReadFloats(input);
        var (maps, h, w) = EditingChecks.Maps(input.Shape);
        int plane = h * w;
        int reach = (int)Math.Min(p.Radius, Math.Max(h, w));
        var half = new int[2 * reach + 1];
        for (int dy = -reach; dy <= reach; dy++)
        {
            half[dy + reach] = (int)Math.Min(EditingChecks.HalfWidth(p.Radius, dy, p.Elliptical), w);
        }
        var y = new float[x.Length];
        ForEach(maps * h, (long)w * half.Length, row =>
        {
            int m = row / h, r = row % h;
            var prefix = new int[(2 * reach + 1) * (w + 1)];
            var dst = y.AsSpan(row * w, w);
            for (int c = 0; c < w; c++)
            {
                dst[c] = dilate ? 0f : 1f;
            }
            for (int dy = -reach; dy <= reach; dy++)
            {
                int rr = r + dy;
                if (rr < 0 || rr >= h)
                {
                    continue;
                }
                var src = x.AsSpan(m * plane + rr * w, w);
                var pre = prefix.AsSpan((dy + reach) * (w + 1), w + 1);
                for (int c = 0; c < w; c++)
                {
                    pre[c + 1] = pre[c] + (src[c] > 0.5f ? 1 : 0);
                }
                int hw = half[dy + reach];
                for (int c = 0; c < w; c++)
                {
                    int a = Math.Max(c - hw, 0), b = Math.Min(c + hw, w - 1);
                    int count = pre[b + 1] - pre[a];
                    if (dilate ? count > 0 : count < b - a + 1)
                    {
                        dst[c] = dilate ? 1f : 0f;
                    }
                }
            }
        });
        HostMemory.WriteFloats(output, y);
    }

    // [..., n] → [..., k] I32: bounded insertion into a sorted top-k buffer per row, rows in parallel.
    private static void TopK(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        int k = node.ParamsAs<TopKParams>().K;
        var x = HostMemory.ReadFloats(sources[0]);
        int n = sources[0].Shape[-1];
        int rows = n == 0 ? 0 : x.Length / n;
        var result = new int[(long)rows * k];
        ForEach(rows, (long)n * Math.Min(k, 32), row =>
        {
            var values = x.AsSpan(row * n, n);
            var top = result.AsSpan(row * k, k);
            if (k > 32)
            {
                var order = Enumerable.Range(0, n).ToArray();
                var v = values.ToArray();
                Array.Sort(order, (a, b) => a == b ? 0 : EditingChecks.RanksBefore(v[a], a, v[b], b) ? -1 : 1);
                order.AsSpan(0, k).CopyTo(top);
                return;
            }
            int filled = 0;
            for (int i = 0; i < n; i++)
            {
                // Indices arrive ascending, so a candidate equal to an entry ranks after it.
                if (filled == k && !EditingChecks.RanksBefore(values[i], i, values[top[k - 1]], top[k - 1]))
                {
                    continue;
                }
                int j = Math.Min(filled, k - 1);
                while (j > 0 && EditingChecks.RanksBefore(values[i], i, values[top[j - 1]], top[j - 1]))
                {
                    top[j] = top[j - 1];
                    j--;
                }
                top[j] = i;
                filled = Math.Min(filled + 1, k);
            }
        });
        result.CopyTo(HostMemory.Dense<int>(output));
    }
}
