using Locus.Engine.Tensors;

namespace Locus.Engine.Graph;

/// <summary>
/// Liveness-based arena planning (ggml-alloc style). Inputs and graph outputs are pinned for the
/// whole run and never shared; weights live outside the arena; views alias their root's block and
/// extend its lifetime; every other block is freed after its last reader and its bytes reused (best fit).
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Block alignment in bytes (fits CUDA's 256-byte texture alignment and AVX-512 lines).</summary>
    public const long Alignment = 256;

    /// <summary>Plans <paramref name="graph"/>.</summary>
    public static MemoryPlan Plan(Graph graph)
    {
        var nodes = graph.Nodes;
        int end = nodes.Count;
        var stepOf = new Dictionary<int, int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            stepOf[nodes[i].Id] = i;
        }

        // Root storage of every value: (node id, aux?) or null for weights.
        var root = new Dictionary<int, (int Id, bool Aux)?>();
        var lastUse = new Dictionary<(int, bool), int>();
        foreach (var n in nodes)
        {
            (int, bool)? r = n.Op switch
            {
                OpKind.Weight => null,
                OpKind.AuxOutput => (n.Sources[0].Id, true),
                OpKind.Reshape or OpKind.Permute or OpKind.Slice => root[n.Sources[0].Id],
                _ => (n.Id, false),
            };
            root[n.Id] = r;
            if (r is { } key)
            {
                lastUse[key] = Math.Max(lastUse.GetValueOrDefault(key, stepOf[n.Id]), stepOf[n.Id]);
            }
            foreach (var s in n.Sources)
            {
                if (root[s.Id] is { } sk)
                {
                    lastUse[sk] = Math.Max(lastUse[sk], stepOf[n.Id]);
                }
            }
        }
        foreach (var o in graph.Outputs)
        {
            if (root[o.Id] is { } ok)
            {
                lastUse[ok] = end;
            }
        }

        var blocks = new List<PlannedBlock>();
        var live = new List<PlannedBlock>();
        long arena = 0;
        // Inputs first: they are written before the run starts, so they are live from step 0 to the end.
        foreach (var n in graph.Inputs)
        {
            Place(n, false, n.Desc.Layout.StorageExtent * n.Desc.DType.SizeInBytes(), 0, end);
        }
        // Outputs next, pinned like inputs: no other block ever shares their bytes (they stay readable after the run).
        var pinned = new HashSet<(int, bool)>();
        foreach (var o in graph.Outputs)
        {
            if (root[o.Id] is { } ok && nodes[stepOf[ok.Id]] is { IsLeaf: false } owner && pinned.Add(ok))
            {
                var desc = ok.Aux ? owner.AuxDesc!.Value : owner.Desc;
                Place(owner, ok.Aux, desc.Layout.StorageExtent * desc.DType.SizeInBytes(), stepOf[ok.Id], end);
            }
        }
        foreach (var n in nodes)
        {
            if (n.IsView || n.IsLeaf)
            {
                continue;
            }
            int step = stepOf[n.Id];
            live.RemoveAll(b => b.LastStep < step);
            if (!pinned.Contains((n.Id, false)))
            {
                Place(n, false, n.Desc.Layout.StorageExtent * n.Desc.DType.SizeInBytes(), step, lastUse[(n.Id, false)]);
            }
            if (n.AuxDesc is { } aux && !pinned.Contains((n.Id, true)))
            {
                Place(n, true, aux.Layout.StorageExtent * aux.DType.SizeInBytes(), step, lastUse.GetValueOrDefault((n.Id, true), step));
            }
        }
        return new MemoryPlan(arena, blocks);

        void Place(Node n, bool isAux, long bytes, int first, int last)
        {
            long size = AlignedSize(bytes);
            long offset = FindGap(live, size);
            var block = new PlannedBlock(n, isAux, offset, bytes, first, last);
            live.Add(block);
            live.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            blocks.Add(block);
            arena = Math.Max(arena, offset + size);
        }
    }

    private static long FindGap(List<PlannedBlock> live, long size)
    {
        long best = -1, bestWaste = long.MaxValue, cursor = 0;
        foreach (var b in live)
        {
            long gap = b.Offset - cursor;
            if (gap >= size && gap - size < bestWaste)
            {
                best = cursor;
                bestWaste = gap - size;
            }
            cursor = Math.Max(cursor, b.Offset + AlignedSize(b.ByteLength));
        }
        return best >= 0 ? best : cursor;
    }

    /// <summary>Arena bytes a block of <paramref name="bytes"/> occupies: rounded up to <see cref="Alignment"/>, at least one unit.</summary>
    private static long AlignedSize(long bytes) => Math.Max(Alignment, (bytes + Alignment - 1) / Alignment * Alignment);
}
