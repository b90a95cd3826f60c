using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Graph;

/// <summary>
/// Property tests of <see cref="MemoryPlanner"/> on random graphs. Lifetimes are recomputed here from
/// the graph (not taken from the plan): a block lives from the step that writes it to the last step
/// that reads it or any view of it; inputs and outputs live for the whole run.
/// </summary>
public sealed class MemoryPlannerTests
{
    private const int GraphCount = 400;

    [Fact]
    public void Plan_RandomGraphs_LiveBlocksNeverOverlap()
    {
        var rng = new Random(20230828);
        long reused = 0;
        for (int i = 0; i < GraphCount; i++)
        {
            var graph = RandomGraph(rng);
            var plan = MemoryPlanner.Plan(graph);
            reused += Check(graph, plan, $"graph {i}");
        }
        // Blocks with disjoint lifetimes must actually share bytes somewhere, or the planner never reuses.
        Assert.True(reused > GraphCount / 4, $"only {reused} block pairs share memory in {GraphCount} graphs");
    }

    [Fact]
    public void Plan_Chain_ReusesMemory()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(64, 64)); // 16 KiB
        var h = x;
        for (int i = 0; i < 10; i++)
        {
            h = g.Silu(h, "act");
        }
        var graph = g.Build(h);
        var plan = MemoryPlanner.Plan(graph);
        Check(graph, plan, "chain");
        // Input + output + two ping-pong intermediates suffice; 11 blocks would need 176 KiB.
        Assert.Equal(11 * 16384, plan.UnplannedBytes);
        Assert.True(plan.ArenaBytes <= 4 * 16384, $"arena {plan.ArenaBytes} bytes");
    }

    [Fact]
    public void Plan_Weights_GetNoArenaBlock()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 4));
        var y = g.Linear(x, g.Weight("w", DType.F32, new Shape(3, 4)), null, "y");
        var plan = MemoryPlanner.Plan(g.Build(y));
        Assert.DoesNotContain(plan.Blocks, b => b.Node.Op == OpKind.Weight);
        Assert.Equal(2, plan.Blocks.Count);
    }

    /// <summary>Checks the plan; returns how many block pairs (with disjoint lifetimes) share memory.</summary>
    private static int Check(Locus.Engine.Graph.Graph graph, MemoryPlan plan, string label)
    {
        var nodes = graph.Nodes;
        int end = nodes.Count;
        var step = nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n.Id, p => p.i);
        var root = new Dictionary<int, (int Id, bool Aux)?>();
        foreach (var n in nodes)
        {
            root[n.Id] = n.Op switch
            {
                OpKind.Weight => null,
                OpKind.AuxOutput => (n.Sources[0].Id, true),
                OpKind.Reshape or OpKind.Permute or OpKind.Slice => root[n.Sources[0].Id],
                _ => (n.Id, false),
            };
        }
        var first = new Dictionary<(int, bool), int>();
        var last = new Dictionary<(int, bool), int>();
        var pinned = new HashSet<(int, bool)>();
        var need = new Dictionary<(int, bool), long>();
        foreach (var n in nodes.Where(n => !n.IsView && n.Op != OpKind.Weight))
        {
            bool isInput = n.Op == OpKind.Input;
            first[(n.Id, false)] = isInput ? 0 : step[n.Id];
            last[(n.Id, false)] = isInput ? end : step[n.Id];
            need[(n.Id, false)] = n.Desc.Layout.StorageExtent * n.DType.SizeInBytes();
            if (isInput)
            {
                pinned.Add((n.Id, false));
            }
            if (n.AuxDesc is { } aux)
            {
                first[(n.Id, true)] = step[n.Id];
                last[(n.Id, true)] = step[n.Id];
                need[(n.Id, true)] = aux.Layout.StorageExtent * aux.DType.SizeInBytes();
            }
        }
        foreach (var n in nodes)
        {
            foreach (var s in n.Sources.Append(n))
            {
                if (root[s.Id] is { } key)
                {
                    last[key] = Math.Max(last[key], step[n.Id]);
                }
            }
        }
        foreach (var o in graph.Outputs)
        {
            if (root[o.Id] is { } key)
            {
                last[key] = end;
                pinned.Add(key);
            }
        }

        var blocks = plan.Blocks.ToDictionary(b => (b.Node.Id, b.IsAux));
        Assert.Equal(need.Keys.OrderBy(k => k), blocks.Keys.OrderBy(k => k));
        foreach (var (key, b) in blocks)
        {
            Assert.True(b.ByteLength >= need[key], $"{label}: block of {b.Node.Name} has {b.ByteLength} bytes, needs {need[key]}");
            Assert.True(b.Offset >= 0 && b.Offset + need[key] <= plan.ArenaBytes, $"{label}: block of {b.Node.Name} outside the arena");
        }
        var keys = blocks.Keys.ToArray();
        int shared = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            for (int j = i + 1; j < keys.Length; j++)
            {
                var (a, b) = (keys[i], keys[j]);
                bool memory = need[a] > 0 && need[b] > 0
                    && blocks[a].Offset < blocks[b].Offset + need[b] && blocks[b].Offset < blocks[a].Offset + need[a];
                if (!memory)
                {
                    continue;
                }
                string names = $"{blocks[a].Node.Name}{(a.Item2 ? ".aux" : "")} and {blocks[b].Node.Name}{(b.Item2 ? ".aux" : "")}";
                Assert.False(pinned.Contains(a) || pinned.Contains(b), $"{label}: input/output shares memory: {names}\n{graph}");
                bool lifetimes = first[a] <= last[b] && first[b] <= last[a];
                Assert.False(lifetimes, $"{label}: live blocks overlap in memory: {names}\n{graph}");
                shared++;
            }
        }
        return shared;
    }

    private static Locus.Engine.Graph.Graph RandomGraph(Random rng)
    {
        var g = new GraphBuilder();
        var pool = new List<Node>();
        int inputs = rng.Next(1, 4);
        for (int i = 0; i < inputs; i++)
        {
            pool.Add(g.Input($"in{i}", rng.Next(4) == 0 ? DType.BF16 : DType.F32, new Shape(rng.Next(1, 9), rng.Next(1, 9))));
        }
        if (rng.Next(3) == 0)
        {
            pool.Add(g.Weight("w", DType.F32, pool[0].Shape));
        }
        int count = rng.Next(3, 40);
        for (int i = 0; i < count; i++)
        {
            var x = pool[rng.Next(pool.Count)];
            var peers = pool.Where(p => p.Shape == x.Shape && p.DType == x.DType).ToList();
            Node y = rng.Next(9) switch
            {
                0 => g.Scale(x, 2f, name: "scale"),
                1 => g.Silu(x, "silu"),
                2 => g.Add(x, peers[rng.Next(peers.Count)], "add"),
                3 when x.Shape.Rank == 2 => g.Permute(x, [1, 0], "t"),
                4 when x.Shape[0] > 1 => g.Slice(x, 0, 1, x.Shape[0] - 1, "slice"),
                5 => g.Reshape(x, new Shape((int)x.Shape.ElementCount), "flat"),
                6 => g.Concat([x, peers[rng.Next(peers.Count)]], 0, "cat"),
                7 when x.Shape.Rank == 2 => Attention(g, x),
                _ => g.Contiguous(x, "copy"),
            };
            pool.Add(y);
        }
        var outputs = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => pool[rng.Next(inputs, pool.Count)]).Where(n => n.Op != OpKind.Weight).Distinct().ToArray();
        return g.Build(outputs.Length > 0 ? outputs : [pool[^1]]);
    }

    /// <summary>Self-attention over a [N, D] value viewed as [1, 1, N, D]; returns either the output or its lse view.</summary>
    private static Node Attention(GraphBuilder g, Node x)
    {
        var q = g.Reshape(x, new Shape(1, 1, x.Shape[0], x.Shape[1]), "q");
        var o = g.Attention(q, q, q, 0.5f, name: "attn");
        return x.Shape[0] % 2 == 0 ? g.Aux(o) : o;
    }
}
