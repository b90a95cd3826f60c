using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class SafetensorsIndexTests
{
    [Fact]
    public void Open_IndexJson_RoutesEachNameToItsShard()
    {
        using var dir = new TempDir();
        WriteShards(dir);
        File.WriteAllText(dir.File("model.safetensors.index.json"),
            "{\"metadata\":{\"total_size\":24},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\",\"c\":\"model-00002-of-00002.safetensors\"}}");
        using var index = SafetensorsIndex.Open(dir.File("model.safetensors.index.json"));
        Assert.Equal(["a", "b", "c"], index.Names.Order(StringComparer.Ordinal));
        Assert.True(index.TryGet("c", out var entry, out var file));
        Assert.EndsWith("model-00002-of-00002.safetensors", file.Path, StringComparison.Ordinal);
        Assert.Equal(new Shape(2), entry.Shape);
        Assert.Equal([5f, 6f], index.Read("c").AsSpan<float>().ToArray());
        Assert.Equal([1f, 2f], index.Read("a").AsSpan<float>().ToArray());
    }

    [Fact]
    public void Open_DirectoryWithIndex_UsesTheIndex()
    {
        using var dir = new TempDir();
        WriteShards(dir);
        File.WriteAllText(dir.File("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        using var index = SafetensorsIndex.Open(dir.DirPath);
        Assert.Equal(["a", "b"], index.Names.Order(StringComparer.Ordinal));
        Assert.False(index.TryGet("c", out _, out _));
    }

    [Fact]
    public void Open_DirectoryWithoutIndex_ReadsAllFiles()
    {
        using var dir = new TempDir();
        WriteShards(dir);
        using var index = SafetensorsIndex.Open(dir.DirPath);
        Assert.Equal(["a", "b", "c"], index.Names);
        Assert.Equal(2, index.Files.Count);
    }

    [Fact]
    public void Open_SingleFile_Works()
    {
        using var index = SafetensorsIndex.Open(TestPaths.FluxTinyWeights);
        Assert.Equal(112, index.Count);
        Assert.Equal(new Shape(32, 16), index.Get("x_embedder.weight").Shape);
    }

    [Fact]
    public void Open_DuplicateNamesAcrossFiles_Throws()
    {
        using var dir = new TempDir();
        SafetensorsWriter.Write(dir.File("x.safetensors"), [new("a", F32(1))]);
        SafetensorsWriter.Write(dir.File("y.safetensors"), [new("a", F32(2))]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Open(dir.DirPath).Dispose());
        Assert.Contains("tensor 'a' also appears in", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"weight_map\":{\"a\":\"missing.safetensors\"}}", "does not exist")]
    [InlineData("{\"weight_map\":{\"zzz\":\"model-00001-of-00002.safetensors\"}}", "does not contain it")]
    [InlineData("{\"weight_map\":{\"a\":\"../model-00001-of-00002.safetensors\"}}", "relative to the index")]
    [InlineData("{\"weight_map\":{\"a\":3}}", "not a file name")]
    [InlineData("{\"metadata\":{}}", "no \"weight_map\"")]
    [InlineData("{\"weight_map\":", "not valid JSON")]
    public void Open_BadIndex_ThrowsNamingIndex(string json, string reason)
    {
        using var dir = new TempDir();
        WriteShards(dir);
        string path = dir.File("model.safetensors.index.json");
        File.WriteAllText(path, json);
        var e = Assert.ThrowsAny<Exception>(() => SafetensorsIndex.Open(path).Dispose());
        Assert.True(e is SafetensorsFormatException or FileNotFoundException, e.GetType().Name);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyDirectory_Throws()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsIndex.Open(dir.DirPath).Dispose());
        Assert.Contains("no .safetensors files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_Missing_ThrowsTensorNotFound()
    {
        using var index = SafetensorsIndex.Open(TestPaths.FluxTinyWeights);
        var e = Assert.Throws<TensorNotFoundException>(() => index.Read("nope"));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    private static void WriteShards(TempDir dir)
    {
        SafetensorsWriter.Write(dir.File("model-00001-of-00002.safetensors"), [new("a", HostTensor.FromFloats(new Shape(2), [1f, 2f]))]);
        SafetensorsWriter.Write(dir.File("model-00002-of-00002.safetensors"),
            [new("b", HostTensor.FromFloats(new Shape(2), [3f, 4f])), new("c", HostTensor.FromFloats(new Shape(2), [5f, 6f]))]);
    }

    private static HostTensor F32(float v) => HostTensor.FromFloats(new Shape(1), [v]);
}
