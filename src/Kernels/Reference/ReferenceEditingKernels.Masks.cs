using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Reference;

public static partial class ReferenceEditingKernels
{
    private static void Dilate(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) =>
        Morphology(node, sources[0], output, dilate: true);

    private static void Erode(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux) =>
        Morphology(node, sources[0], output, dilate: false);

    // [..., H, W], set = x > 0.5. Dilate: 1 if any element position (dy² + dx² ≤ r² or |dy|, |dx| ≤ r) inside the map is set.
    // Erode: 1 if every element position inside the map is set (outside counts as set).
    private static void Morphology(Node node, BoundTensor input, BoundTensor output, bool dilate)
    {
        var p = node.ParamsAs<MorphologyParams>();
        var x = HostMemory.ReadFloats(input);
        var (maps, h, w) = EditingChecks.Maps(input.Shape);
        var y = new float[x.Length];
        long r2 = (long)p.Radius * p.Radius;
        for (int m = 0; m < maps; m++)
        {
            long b = (long)m * h * w;
            for (int r = 0; r < h; r++)
            {
                for (int c = 0; c < w; c++)
                {
                    bool hit = false;
                    for (int rr = Math.Max(0, r - p.Radius); rr <= Math.Min(h - 1, (long)r + p.Radius) && !hit; rr++)
                    {
                        for (int cc = Math.Max(0, c - p.Radius); cc <= Math.Min(w - 1, (long)c + p.Radius) && !hit; cc++)
                        {
                            long dy = rr - r, dx = cc - c;
                            if (p.Elliptical && dy * dy + dx * dx > r2)
                            {
                                continue;
                            }
                            bool set = x[b + (long)rr * w + cc] > 0.5f;
                            hit = dilate ? set : !set;
                        }
                    }
                    y[b + (long)r * w + c] = dilate == hit ? 1f : 0f;
                }
            }
        }
        HostMemory.WriteFloats(output, y);
    }

    // [..., n] → [..., k] I32: indices by value descending, ties → lower index, NaN ranks last.
    private static void TopK(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        int k = node.ParamsAs<TopKParams>().K;
        var x = HostMemory.ReadFloats(sources[0]);
        int n = sources[0].Shape[-1];
        var y = HostMemory.Dense<int>(output);
        long rows = n == 0 ? 0 : x.Length / n;
        for (long row = 0; row < rows; row++)
        {
            var values = x.AsSpan((int)(row * n), n).ToArray();
            var order = Enumerable.Range(0, n).ToArray();
            // Insertion sort: obviously stable, and n is small in the editing pipeline.
            for (int i = 1; i < n; i++)
            {
                int idx = order[i];
                int j = i - 1;
                while (j >= 0 && EditingChecks.RanksBefore(values[idx], idx, values[order[j]], order[j]))
                {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = idx;
            }
            order.AsSpan(0, k).CopyTo(y.Slice((int)(row * k), k));
        }
    }

    // [..., H, W]: keeps the largest 4-connected component of x > 0.5 (ties → the one whose first pixel comes first in row-major order).
    private static void LargestComponent(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int plane = h * w;
        var y = new float[x.Length];
        for (int m = 0; m < maps; m++)
        {
            var label = new int[plane];
            var queue = new Queue<int>();
            int next = 0, bestLabel = 0, bestSize = 0;
            for (int start = 0; start < plane; start++)
            {
                if (label[start] != 0 || !(x[m * plane + start] > 0.5f))
                {
                    continue;
                }
                next++;
                int size = 0;
                label[start] = next;
                queue.Enqueue(start);
                while (queue.Count > 0)
                {
                    int p = queue.Dequeue();
                    size++;
                    int r = p / w, c = p % w;
                    foreach (int q in new[] { r > 0 ? p - w : -1, r < h - 1 ? p + w : -1, c > 0 ? p - 1 : -1, c < w - 1 ? p + 1 : -1 })
                    {
                        if (q >= 0 && label[q] == 0 && x[m * plane + q] > 0.5f)
                        {
                            label[q] = next;
                            queue.Enqueue(q);
                        }
                    }
                }
                if (size > bestSize)
                {
                    bestSize = size;
                    bestLabel = next;
                }
            }
            for (int i = 0; i < plane; i++)
            {
                y[m * plane + i] = bestLabel != 0 && label[i] == bestLabel ? 1f : 0f;
            }
        }
        HostMemory.WriteFloats(output, y);
    }
}
