using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Kernels.Reference;
using Xunit;

namespace Locus.Kernels.Tests.Matrix;

/// <summary>Properties the attention options must have on every host backend (CPU and reference).</summary>
public sealed class AttentionInvariantTests
{
    private const int B = 1, H = 2, Nq = 40, Nk = 150, D = 64;

    public static TheoryData<string> BackendNames() => ["cpu", "reference"];

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Grag_IdentityScales_EqualsPlainAttention(string backend)
    {
        var inputs = Inputs(1, (1f, 1f), (1f, 1f));
        var plain = AttentionRunner.Run(Backend(backend), g => Build(g, null), inputs);
        var official = AttentionRunner.Run(Backend(backend), g => Build(g, [new GragGroup(0, 7), new GragGroup(60, 150)]), inputs);
        var rows = AttentionRunner.Run(Backend(backend), g => Build(g, [new GragGroup(0, 7, 5, 30), new GragGroup(60, 150, 0, 40)]), inputs);
        for (int o = 0; o < 2; o++)
        {
            Assert.True(AttentionRunner.Nmse(official[o], plain[o]) < 1e-12, $"official output {o}");
            Assert.True(AttentionRunner.Nmse(rows[o], plain[o]) < 1e-12, $"row-restricted output {o}");
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void Grag_RowRangeCoveringAllRows_EqualsOfficialVariant(string backend)
    {
        var inputs = Inputs(2, (0.8f, 1.3f), (1.2f, 0.7f));
        var official = AttentionRunner.Run(Backend(backend), g => Build(g, [new GragGroup(0, 7), new GragGroup(60, 150)]), inputs);
        var rows = AttentionRunner.Run(Backend(backend), g => Build(g, [new GragGroup(0, 7, 0, Nq), new GragGroup(60, 150, 0, Nq)]), inputs);
        var plain = AttentionRunner.Run(Backend(backend), g => Build(g, null), inputs);
        Assert.True(AttentionRunner.Nmse(official[0], plain[0]) > 1e-4, "the scales must change the output for this test to mean anything");
        for (int o = 0; o < 2; o++)
        {
            Assert.True(AttentionRunner.Nmse(rows[o], official[o]) < 1e-11, $"output {o}: nmse {AttentionRunner.Nmse(rows[o], official[o]):E2}");
        }
    }

    [Fact]
    public void Capture_AfterAttention_DoesNotChangeTheAttentionOutput()
    {
        var inputs = Inputs(3, (1f, 1f), (1f, 1f));
        inputs["weight"] = [1f];
        var plain = AttentionRunner.Run(new CpuBackend(), g => Build(g, null), inputs);
        var captured = AttentionRunner.Run(new CpuBackend(), g =>
        {
            var outs = Build(g, null, out var qk);
            var capture = g.AttentionCapture(qk.Q, qk.K, outs[1], g.Input("weight", DType.F32, new Shape(1)), null,
                new AttentionCaptureParams(0.125f, 0, Nq, 0, Nk));
            return [outs[0], outs[1], capture];
        }, inputs);
        Assert.Equal(plain[0], captured[0]);
        Assert.Equal(plain[1], captured[1]);
        // Each row of the unpooled full block is a probability distribution averaged over heads: it sums to 1.
        for (int i = 0; i < Nq; i++)
        {
            Assert.Equal(1.0, captured[2].Skip(i * Nk).Take(Nk).Sum(x => (double)x), 4);
        }
    }

    [Theory]
    [MemberData(nameof(BackendNames))]
    public void RegionBias_RowWithEveryKeyMasked_ThrowsTypedError(string backend)
    {
        var inputs = Inputs(4, (1f, 1f), (1f, 1f));
        inputs["region_rows"] = Enumerable.Range(0, B * Nq).Select(i => i == 17 ? 0f : 1f).ToArray();
        inputs["region_cols"] = Enumerable.Repeat(1f, Nk).ToArray();
        var ex = Assert.Throws<InvalidOperationException>(() => AttentionRunner.Run(Backend(backend), g => Build(g, null, region: true), inputs));
        Assert.Contains("row 17", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no finite logit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_TiledAttentionAtN1000_MatchesReference()
    {
        const int n = 1000, d = 64;
        var inputs = new Dictionary<string, float[]>
        {
            ["q"] = AttentionRunner.Normal(5, 2L * n * d),
            ["k"] = AttentionRunner.Normal(6, 2L * n * d),
            ["v"] = AttentionRunner.Normal(7, 2L * n * d),
        };
        Node[] Build1000(GraphBuilder g)
        {
            var att = g.Attention(g.Input("q", DType.F32, new Shape(1, 2, n, d)), g.Input("k", DType.F32, new Shape(1, 2, n, d)),
                g.Input("v", DType.F32, new Shape(1, 2, n, d)), 0.125f);
            return [att, g.Aux(att)];
        }
        var cpu = AttentionRunner.Run(new CpuBackend(), Build1000, inputs);
        var reference = AttentionRunner.Run(new ReferenceBackend(), Build1000, inputs);
        Assert.True(AttentionRunner.Nmse(cpu[0], reference[0]) < 1e-9, $"out nmse {AttentionRunner.Nmse(cpu[0], reference[0]):E2}");
        Assert.True(AttentionRunner.Nmse(cpu[1], reference[1]) < 1e-12, $"lse nmse {AttentionRunner.Nmse(cpu[1], reference[1]):E2}");
    }

    private static Engine.Backends.IBackend Backend(string name) => name == "cpu" ? new CpuBackend() : new ReferenceBackend();

    private static Dictionary<string, float[]> Inputs(int seed, (float Lambda, float Delta) g0, (float Lambda, float Delta) g1) => new()
    {
        ["q"] = AttentionRunner.Normal(seed, (long)B * H * Nq * D),
        ["k"] = AttentionRunner.Normal(seed + 100, (long)B * H * Nk * D),
        ["v"] = AttentionRunner.Normal(seed + 200, (long)B * H * Nk * D),
        ["grag_scales"] = [g0.Lambda, g0.Delta, g1.Lambda, g1.Delta],
        ["region_rows"] = new float[B * Nq],
        ["region_cols"] = new float[Nk],
    };

    private static Node[] Build(GraphBuilder g, GragGroup[]? grag, bool region = false) => Build(g, grag, out _, region);

    private static Node[] Build(GraphBuilder g, GragGroup[]? grag, out (Node Q, Node K) nodes, bool region = false)
    {
        var q = g.Input("q", DType.F32, new Shape(B, H, Nq, D));
        var k = g.Input("k", DType.F32, new Shape(B, H, Nk, D));
        var v = g.Input("v", DType.F32, new Shape(B, H, Nk, D));
        var scales = grag is null ? null : g.Input("grag_scales", DType.F32, new Shape(grag.Length, 2));
        var rows = region ? g.Input("region_rows", DType.F32, new Shape(B, Nq)) : null;
        var cols = region ? g.Input("region_cols", DType.F32, new Shape(Nk)) : null;
        var att = g.Attention(q, k, v, 0.125f, null, grag, scales, region ? float.NegativeInfinity : null, rows, cols);
        nodes = (q, k);
        return [att, g.Aux(att)];
    }
}
