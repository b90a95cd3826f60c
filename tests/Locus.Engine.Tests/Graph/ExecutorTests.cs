using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.Graph;

public sealed class ExecutorTests
{
    [Fact]
    public void Run_ExecutesComputeNodesInOrder_AndCallsBackForEveryNode()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 3));
        var a = g.Scale(x, 2f, name: "a");
        var t = g.Permute(a, [1, 0], "t");
        var c = g.Contiguous(t, "c");
        var y = g.Add(c, c, "y");
        var graph = g.Build(y);
        var backend = new RecordingBackend();
        using var exec = new Executor(graph, backend);
        exec.SetInput("x", HostTensor.FromFloats(new Shape(2, 3), [1, 2, 3, 4, 5, 6]));
        var seen = new List<string>();
        exec.Run((n, _) => seen.Add(n.Name), TestContext.Current.CancellationToken);
        Assert.Equal(["a", "c", "y"], backend.Executed.Select(n => n.Name));
        Assert.Equal(["x", "a", "t", "c", "y"], seen);
        // y = 2·2·xᵀ, computed in double here.
        Assert.Equal([4f, 16f, 8f, 20f, 12f, 24f], exec.Read(y).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Run_SliceAndPermuteViews_ResolveToSourceStorage()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(3, 4));
        var s = g.Slice(x, 1, 1, 2, "s");          // columns 1..2 -> [3, 2], offset 1
        var p = g.Permute(s, [1, 0], "p");         // [2, 3]
        var y = g.Scale(p, 1f, 0.5f, "y");         // Scale may read strided views directly
        var backend = new RecordingBackend();
        using var exec = new Executor(g.Build(y), backend);
        float[] values = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        exec.SetInput("x", HostTensor.FromFloats(new Shape(3, 4), values));
        exec.Run(cancellationToken: TestContext.Current.CancellationToken);
        var call = Assert.Single(backend.Calls);
        var src = call.Sources[0];
        var inputSlot = exec.Plan.BlockOf(x);
        Assert.Equal(inputSlot.Offset, src.ByteOffset);
        Assert.Equal(1, src.Layout.Offset);
        Assert.Equal([1L, 4L], src.Layout.Strides);
        // y(i, j) = x(j, 1 + i) + 0.5
        Assert.Equal([1.5f, 5.5f, 9.5f, 2.5f, 6.5f, 10.5f], exec.Read(y).AsSpan<float>().ToArray());
        Assert.Equal([1f, 2f, 5f, 6f, 9f, 10f], exec.Read(s).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Callback_CanReadIntermediateInsideItsCallback()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(4));
        var h = x;
        for (int i = 0; i < 4; i++)
        {
            h = g.Scale(h, 1f, 1f, "inc");
        }
        using var exec = new Executor(g.Build(h), new RecordingBackend());
        exec.SetInput("x", HostTensor.FromFloats(new Shape(4), [0, 0, 0, 0]));
        var firsts = new List<float>();
        exec.Run((n, e) => firsts.Add(e.Read(n).AsSpan<float>()[0]), TestContext.Current.CancellationToken);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], firsts);
    }

    [Fact]
    public void SetInput_WrongShape_NamesInputAndShapes()
    {
        var g = new GraphBuilder();
        var x = g.Input("latents", DType.F32, new Shape(2, 3));
        using var exec = new Executor(g.Build(g.Silu(x, "y")), new RecordingBackend());
        var e = Assert.Throws<ArgumentException>(() => exec.SetInput("latents", new HostTensor(DType.F32, new Shape(3, 2))));
        Assert.Contains("latents", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", e.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => exec.SetInput("nope", new HostTensor(DType.F32, new Shape(2, 3))));
        Assert.Contains("latents", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetInput_IntegerForFloat_Throws_FloatConverts()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.BF16, new Shape(2));
        var backend = new RecordingBackend();
        using var exec = new Executor(g.Build(g.Silu(x, "y")), backend);
        Assert.Throws<ArgumentException>(() => exec.SetInput("x", new HostTensor(DType.I32, new Shape(2))));
        exec.SetInput("x", HostTensor.FromFloats(new Shape(2), [1f, -2f]));
        Assert.Equal([(ushort)0x3F80, (ushort)0xC000], exec.Read(x).AsSpan<ushort>().ToArray());
    }

    [Fact]
    public void Constructor_UnsupportedNodeOrMissingWeights_Throws()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2));
        var y = g.Silu(x, "act");
        var backend = new RecordingBackend();
        backend.Unsupported.Add(OpKind.Silu);
        var e = Assert.Throws<NotSupportedException>(() => new Executor(g.Build(y), backend));
        Assert.Contains("act (Silu)", e.Message, StringComparison.Ordinal);
        var w = g.Weight("w", DType.F32, new Shape(2));
        Assert.Throws<ArgumentException>(() => new Executor(g.Build(g.Add(x, w, "z")), new RecordingBackend()));
    }

    [Fact]
    public void Run_Cancelled_StopsBeforeFirstNode()
    {
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2));
        var backend = new RecordingBackend();
        using var exec = new Executor(g.Build(g.Silu(x, "y")), backend);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => exec.Run(null, cts.Token));
        Assert.Empty(backend.Executed);
    }
}
