using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Graph;

public sealed class GraphBuilderTests
{
    [Fact]
    public void Linear_InfersOutputShapeAndScopedName()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 7, 16));
        Node y;
        using (g.Scope("transformer_blocks.3"))
        {
            var w = g.Weight("attn.to_q.weight", DType.BF16, new Shape(32, 16));
            var b = g.Weight("attn.to_q.bias", DType.BF16, new Shape(32));
            y = g.Linear(x, w, b, "attn.to_q");
            Assert.Equal("transformer_blocks.3.attn.to_q.weight", w.Name);
        }
        Assert.Equal(new Shape(2, 7, 32), y.Shape);
        Assert.Equal(DType.F32, y.DType);
        Assert.Equal("transformer_blocks.3.attn.to_q", y.Name);
        Assert.Equal(OpKind.Linear, y.Op);
    }

    [Fact]
    public void Linear_WrongInnerDim_ErrorNamesNode()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 15));
        var w = g.Weight("w", DType.F32, new Shape(32, 16));
        using var scope = g.Scope("blocks.1");
        var e = Assert.Throws<GraphException>(() => g.Linear(x, w, null, "proj"));
        Assert.Contains("'blocks.1.proj'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 15]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_Broadcasts_AndRejectsIncompatible()
    {
        var g = new GraphBuilder();
        var a = g.Input("a", DType.F32, new Shape(2, 1, 4));
        var b = g.Input("b", DType.F32, new Shape(3, 1));
        Assert.Equal(new Shape(2, 3, 4), g.Add(a, b, "sum").Shape);
        var c = g.Input("c", DType.F32, new Shape(5));
        var e = Assert.Throws<GraphException>(() => g.Add(a, c, "bad_sum"));
        Assert.Contains("'bad_sum'", e.Message, StringComparison.Ordinal);
        Assert.Contains("do not broadcast", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatMul_TransposeB_InfersShape()
    {
        var g = new GraphBuilder();
        var a = g.Input("a", DType.F32, new Shape(2, 3, 5, 8));
        var b = g.Input("b", DType.F32, new Shape(2, 3, 6, 8));
        Assert.Equal(new Shape(2, 3, 5, 6), g.MatMul(a, b, transposeB: true, "scores").Shape);
        Assert.Throws<GraphException>(() => g.MatMul(a, b, transposeB: false, "bad"));
    }

    [Fact]
    public void Permute_ThenLinear_InsertsContiguous()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(4, 3));
        var t = g.Permute(x, [1, 0], "t");
        Assert.False(t.Desc.Layout.IsContiguous);
        var y = g.Linear(t, g.Weight("w", DType.F32, new Shape(2, 4)), null, "y");
        Assert.Equal(OpKind.Contiguous, y.Sources[0].Op);
        Assert.True(y.Sources[0].Desc.Layout.IsContiguous);
    }

    [Fact]
    public void Concat_InfersAxisSize_AndChecksOtherDims()
    {
        var g = new GraphBuilder();
        var a = g.Input("a", DType.F32, new Shape(1, 3, 8));
        var b = g.Input("b", DType.F32, new Shape(1, 5, 8));
        Assert.Equal(new Shape(1, 8, 8), g.Concat([a, b], 1, "joint").Shape);
        var c = g.Input("c", DType.F32, new Shape(1, 5, 7));
        var e = Assert.Throws<GraphException>(() => g.Concat([a, c], 1, "bad_joint"));
        Assert.Contains("'bad_joint'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_RepeatedGetSuffix_InputsMustBeUnique()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2));
        Assert.Equal("act", g.Silu(x, "act").Name);
        Assert.Equal("act-1", g.Silu(x, "act").Name);
        Assert.Throws<GraphException>(() => g.Input("x", DType.F32, new Shape(2)));
        Assert.Same(g.Weight("w", DType.F32, new Shape(2)), g.Weight("w", DType.F32, new Shape(2)));
        Assert.Throws<GraphException>(() => g.Weight("w", DType.F32, new Shape(3)));
    }

    [Fact]
    public void Build_ForeignNodeOrNoOutputs_Throws()
    {
        var g1 = new GraphBuilder();
        var g2 = new GraphBuilder();
        var x1 = g1.Input("x", DType.F32, new Shape(2));
        var x2 = g2.Input("x", DType.F32, new Shape(2));
        Assert.Throws<GraphException>(() => g1.Add(x1, x2, "mixed"));
        Assert.Throws<GraphException>(() => g1.Build());
    }

    [Fact]
    public void Build_KeepsOnlyNeededNodesInTopologicalOrder()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2));
        var unused = g.Silu(x, "unused");
        var a = g.Scale(x, 2f, name: "a");
        var b = g.Add(a, x, "b");
        var graph = g.Build(b);
        Assert.Equal(["x", "a", "b"], graph.Nodes.Select(n => n.Name));
        Assert.DoesNotContain(unused, graph.Nodes);
        Assert.Equal([x], graph.Inputs);
    }

    [Fact]
    public void RmsNorm_WrongWeight_ErrorNamesNodeAndWeight()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 8));
        var w = g.Weight("norm_q.weight", DType.F32, new Shape(7));
        var e = Assert.Throws<GraphException>(() => g.RmsNorm(x, w, 1e-6f, "norm_q"));
        Assert.Contains("'norm_q'", e.Message, StringComparison.Ordinal);
        Assert.Contains("norm_q.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Attention_HasLseAux()
    {
        var g = new GraphBuilder();
        var q = g.Input("q", DType.F32, new Shape(1, 2, 5, 8));
        var k = g.Input("k", DType.F32, new Shape(1, 2, 7, 8));
        var v = g.Input("v", DType.F32, new Shape(1, 2, 7, 4));
        var o = g.Attention(q, k, v, 0.125f, name: "attn");
        Assert.Equal(new Shape(1, 2, 5, 4), o.Shape);
        var lse = g.Aux(o);
        Assert.Equal(new Shape(1, 2, 5), lse.Shape);
        var bad = g.Input("bad_v", DType.F32, new Shape(1, 2, 6, 4));
        Assert.Throws<GraphException>(() => g.Attention(q, k, bad, 0.125f, name: "attn2"));
    }
}
