using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels.Reference.Editing;

namespace Locus.Kernels.Cpu;

public static partial class CpuEditingKernels
{
    // [..., H, W]: two-pass union-find labelling (4-connected) per map, maps in parallel; keeps the largest component,
    // ties → the component whose root (its first pixel in row-major order) comes first.
    private static void LargestComponent(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        var x = HostMemory.ReadFloats(sources[0]);
        var (maps, h, w) = EditingChecks.Maps(sources[0].Shape);
        int plane = h * w;
        var y = new float[x.Length];
        ForEach(maps, plane, m =>
        {
            var map = x.AsSpan(m * plane, plane);
            var parent = new int[plane];
            for (int i = 0; i < plane; i++)
            {
                parent[i] = map[i] > 0.5f ? i : -1;
                if (parent[i] < 0)
                {
                    continue;
                }
                if (i % w > 0 && parent[i - 1] >= 0)
                {
                    Union(parent, i, i - 1);
                }
                if (i >= w && parent[i - w] >= 0)
                {
                    Union(parent, i, i - w);
                }
            }
            var size = new int[plane];
            for (int i = 0; i < plane; i++)
            {
                if (parent[i] >= 0)
                {
                    size[Find(parent, i)]++;
                }
            }
            int best = -1;
            for (int i = 0; i < plane; i++)
            {
                if (size[i] > 0 && (best < 0 || size[i] > size[best]))
                {
                    best = i;
                }
            }
            var dst = y.AsSpan(m * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                dst[i] = best >= 0 && parent[i] >= 0 && Find(parent, i) == best ? 1f : 0f;
            }
        });
        HostMemory.WriteFloats(output, y);
    }

    // Roots are always the smallest index of their set, so a root is its component's first pixel in row-major order.
    private static void Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra < rb)
        {
            parent[rb] = ra;
        }
        else if (rb < ra)
        {
            parent[ra] = rb;
        }
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
