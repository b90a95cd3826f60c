using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Locus.Engine.Tests.Graph;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class WeightStoreTests
{
    [Fact]
    public void Bind_MatchingWeight_UploadsBytesOnceAndCaches()
    {
        using var dir = new TempDir();
        string path = Write(dir);
        using var store = WeightStore.Open(path, "transformer.");
        var g = new GraphBuilder();
        var w = g.Weight("proj.weight", DType.F32, new Shape(2, 3));
        var backend = new RecordingBackend();
        var first = store.Bind(w, backend);
        var second = store.Bind(w, backend);
        Assert.Same(first.Buffer, second.Buffer);
        Assert.Single(backend.Allocations);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, Enumerable.Range(0, 6).Select(i => RecordingBackend.Element(first, i)));
        Assert.Equal(["transformer.proj.weight"], store.UsedKeys);
        Assert.Equal(["transformer.other"], store.UnusedKeys());
        var e = Assert.Throws<WeightLoadException>(store.ThrowIfUnused);
        Assert.Contains("transformer.other", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_GraphWantsBf16_ConvertsWithRoundToNearestEven()
    {
        using var dir = new TempDir();
        string path = dir.File("w.safetensors");
        // 1 + 2^-8 is a tie between bf16 1.0 and 1 + 2^-7 -> even (1.0); 1 + 3·2^-9 rounds up to 1 + 2^-7.
        float tie = 1f + MathF.Pow(2, -8), up = 1f + (3 * MathF.Pow(2, -9));
        SafetensorsWriter.Write(path, [new("w", HostTensor.FromFloats(new Shape(2), [tie, up]))]);
        using var store = WeightStore.Open(path);
        var g = new GraphBuilder();
        var bound = store.Bind(g.Weight("w", DType.BF16, new Shape(2)), new RecordingBackend());
        Assert.Equal(DType.BF16, bound.DType);
        var bytes = ((ByteBuffer)bound.Buffer).Bytes;
        Assert.Equal((ushort)0x3F80, BitConverter.ToUInt16(bytes, 0));
        Assert.Equal((ushort)0x3F81, BitConverter.ToUInt16(bytes, 2));
    }

    [Fact]
    public void Bind_ShapeMismatch_NamesTensorFileAndBothShapes()
    {
        using var dir = new TempDir();
        string path = Write(dir);
        using var store = WeightStore.Open(path, "transformer.");
        var g = new GraphBuilder();
        var e = Assert.Throws<WeightLoadException>(() => store.Bind(g.Weight("proj.weight", DType.F32, new Shape(3, 2)), new RecordingBackend()));
        Assert.Contains("transformer.proj.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Missing_NamesTensor()
    {
        using var dir = new TempDir();
        using var store = WeightStore.Open(Write(dir), "transformer.");
        var g = new GraphBuilder();
        var e = Assert.Throws<WeightLoadException>(() => store.Bind(g.Weight("nope.weight", DType.F32, new Shape(1)), new RecordingBackend()));
        Assert.Contains("transformer.nope.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_IntegerToFloat_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("i.safetensors");
        SafetensorsWriter.Write(path, [new("ids", new HostTensor(DType.I64, new Shape(2)))]);
        using var store = WeightStore.Open(path);
        var g = new GraphBuilder();
        var e = Assert.Throws<WeightLoadException>(() => store.Bind(g.Weight("ids", DType.F32, new Shape(2)), new RecordingBackend()));
        Assert.Contains("only float types convert", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_F8E4M3ToF32_DecodesExactValues()
    {
        using var dir = new TempDir();
        string path = dir.File("f8.safetensors");
        // E4M3FN: 0x38 = 1.0, 0x7E = 448 (max), 0x01 = 2^-9 (smallest subnormal), 0xC0 = -2.0, 0x7F = NaN.
        SafetensorsWriter.Write(path, [new("q", new HostTensor(DType.F8E4M3, new Shape(5), [0x38, 0x7E, 0x01, 0xC0, 0x7F]))]);
        using var store = WeightStore.Open(path);
        var bound = store.Bind(new GraphBuilder().Weight("q", DType.F32, new Shape(5)), new RecordingBackend());
        var v = Enumerable.Range(0, 5).Select(i => RecordingBackend.Element(bound, i)).ToArray();
        Assert.Equal([1f, 448f, MathF.Pow(2, -9), -2f], v[..4]);
        Assert.True(float.IsNaN(v[4]));
    }

    [Fact]
    public void Executor_WithWeightStore_BindsAndRuns()
    {
        using var dir = new TempDir();
        using var store = WeightStore.Open(Write(dir), "transformer.");
        var g = new GraphBuilder();
        var x = g.Input("x", DType.F32, new Shape(2, 3));
        var w = g.Weight("proj.weight", DType.F32, new Shape(2, 3));
        var y = g.Add(x, w, "y");
        var backend = new RecordingBackend();
        using var exec = new Executor(g.Build(y), backend, store);
        exec.SetInput("x", HostTensor.FromFloats(new Shape(2, 3), [10, 20, 30, 40, 50, 60]));
        exec.Run(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([11f, 22f, 33f, 44f, 55f, 66f], exec.Read(y).AsSpan<float>().ToArray());
    }

    [Fact]
    public void Dispose_FreesBuffersItAllocated()
    {
        using var dir = new TempDir();
        var store = WeightStore.Open(Write(dir), "transformer.");
        var backend = new RecordingBackend();
        var bound = store.Bind(new GraphBuilder().Weight("proj.weight", DType.F32, new Shape(2, 3)), backend);
        store.Dispose();
        Assert.True(bound.Buffer.IsDisposed);
    }

    [Fact]
    public void ShapeOfAndRead_ByFullKey_MarkUsedOnlyOnRead()
    {
        using var dir = new TempDir();
        using var store = WeightStore.Open(Write(dir), "transformer.");
        Assert.True(store.Contains("transformer.other"));
        Assert.Equal(new Shape(1), store.ShapeOf("transformer.other"));
        Assert.Equal(DType.F32, store.DTypeOf("transformer.other"));
        Assert.Empty(store.UsedKeys);
        Assert.Equal([7f], store.Read("transformer.other").AsSpan<float>().ToArray());
        Assert.Equal(["transformer.other"], store.UsedKeys);
        Assert.Equal(2, store.Keys.Count());
        Assert.Throws<WeightLoadException>(() => store.ShapeOf("other"));
    }

    private static string Write(TempDir dir)
    {
        string path = dir.File("weights.safetensors");
        SafetensorsWriter.Write(path,
        [
            new("transformer.proj.weight", HostTensor.FromFloats(new Shape(2, 3), [1, 2, 3, 4, 5, 6])),
            new("transformer.other", HostTensor.FromFloats(new Shape(1), [7])),
        ]);
        return path;
    }
}
