using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class SafetensorsFileTests
{
    [Fact]
    public void Open_ReadmeTestVector_ParsesOneI32Tensor()
    {
        using var dir = new TempDir();
        string path = dir.File("v.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.ReadmeVector());
        using var f = SafetensorsFile.Open(path);
        var e = Assert.Single(f.Tensors);
        Assert.Equal(new TensorEntry("test", DType.I32, new Shape(2, 2), 8 + 60, 16), e);
        Assert.Empty(f.Metadata);
        Assert.Equal(new int[4], f.Read("test").AsSpan<int>().ToArray());
    }

    [Fact]
    public void Open_DiffusersFixture_MatchesPythonReader()
    {
        // Expected values read from the file with Python's json/struct (header length 11752, 112 tensors, 131920 parameters).
        using var f = SafetensorsFile.Open(TestPaths.FluxTinyWeights);
        Assert.Equal(112, f.Tensors.Count);
        Assert.Equal(131920, f.Tensors.Sum(t => t.ElementCount));
        Assert.Equal("v0.40.0", f.Metadata["diffusers"]);
        var e = f.Get("x_embedder.weight");
        Assert.Equal(DType.F32, e.DType);
        Assert.Equal(new Shape(32, 16), e.Shape);
        Assert.Equal(8 + 11752 + 525632, e.Offset);
        Assert.Equal(2048, e.ByteLength);
        var values = f.Read("x_embedder.weight").AsSpan<float>();
        Assert.Equal([0.1120949387550354f, -0.13665331900119781f, -0.10219518840312958f, 0.07582148909568787f], values[..4].ToArray());
    }

    [Fact]
    public void Open_EveryFixtureFile_ParsesAndReadsAllTensors()
    {
        // All fixtures were written by Python's safetensors; each must validate and every tensor must read back.
        var files = Directory.GetFiles(TestPaths.Fixture(""), "*.safetensors", SearchOption.AllDirectories);
        Assert.True(files.Length >= 4, $"only {files.Length} fixture files found");
        foreach (string path in files)
        {
            using var f = SafetensorsFile.Open(path);
            Assert.Equal(f.Length, 8 + (f.Tensors.Count == 0 ? f.Length - 8 : f.Tensors.Min(t => t.Offset) - 8) + f.Tensors.Sum(t => t.ByteLength));
            foreach (var t in f.Tensors)
            {
                Assert.Equal(t.ByteLength, f.Read(t.Name).Data.LongLength);
            }
        }
    }

    [Fact]
    public void Open_AnyFile_NeverModifiesIt()
    {
        byte[] before = SHA256.HashData(File.ReadAllBytes(TestPaths.FluxTinyWeights));
        var stamp = File.GetLastWriteTimeUtc(TestPaths.FluxTinyWeights);
        using (var f = SafetensorsFile.Open(TestPaths.FluxTinyWeights))
        {
            foreach (var t in f.Tensors)
            {
                _ = f.Read(t.Name);
            }
        }
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(TestPaths.FluxTinyWeights)));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(TestPaths.FluxTinyWeights));
    }

    [Fact]
    public void Writer_AllDTypesAndMetadata_RoundTrips()
    {
        using var dir = new TempDir();
        string path = dir.File("rt.safetensors");
        var rng = new Random(20230828);
        var tensors = new Dictionary<string, HostTensor>
        {
            ["z.f32"] = Random(DType.F32, new Shape(3, 5), rng),
            ["a.bf16"] = Random(DType.BF16, new Shape(7), rng),
            ["m.f16"] = Random(DType.F16, new Shape(2, 1, 3), rng),
            ["i32"] = Random(DType.I32, new Shape(4), rng),
            ["i64"] = Random(DType.I64, new Shape(2, 2), rng),
            ["u8"] = Random(DType.U8, new Shape(9), rng),
            ["f8"] = Random(DType.F8E4M3, new Shape(3), rng),
            ["scalar"] = Random(DType.F32, new Shape(), rng),
            ["empty"] = new HostTensor(DType.F32, new Shape(0, 4)),
            ["unicode.é"] = Random(DType.F32, new Shape(1), rng),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        SafetensorsWriter.Write(path, tensors, metadata);

        byte[] raw = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        Assert.Equal(0, n % 8);
        Assert.Equal(raw.LongLength, 8 + n + tensors.Values.Sum(t => t.Data.LongLength));
        using var f = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), f.Tensors.Select(t => t.Name));
        Assert.Equal(metadata, f.Metadata);
        foreach (var (name, t) in tensors)
        {
            var back = f.Read(name);
            Assert.Equal(t.DType, back.DType);
            Assert.Equal(t.Shape, back.Shape);
            Assert.Equal(t.Data, back.Data);
        }
    }

    [Fact]
    public void Writer_Header_IsSortedSpacePaddedJson()
    {
        using var dir = new TempDir();
        string path = dir.File("h.safetensors");
        SafetensorsWriter.Write(path, [new("b", new HostTensor(DType.F32, new Shape(1))), new("a", new HostTensor(DType.I32, new Shape(2, 2)))]);
        byte[] raw = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(raw);
        string header = Encoding.UTF8.GetString(raw, 8, n);
        Assert.Equal(
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}}",
            header.TrimEnd(' '));
        Assert.True(header.Length - header.TrimEnd(' ').Length < 8);
    }

    [Fact]
    public void Get_MissingTensor_NamesFileAndTensor()
    {
        using var f = SafetensorsFile.Open(TestPaths.FluxTinyWeights);
        var e = Assert.Throws<TensorNotFoundException>(() => f.Get("no.such.weight"));
        Assert.Contains(TestPaths.FluxTinyWeights, e.Message, StringComparison.Ordinal);
        Assert.Contains("no.such.weight", e.Message, StringComparison.Ordinal);
        Assert.False(f.TryGet("no.such.weight", out _));
    }

    [Fact]
    public void GetBytes_EntryOfAnotherFile_Throws()
    {
        using var f = SafetensorsFile.Open(TestPaths.FluxTinyWeights);
        var foreign = new TensorEntry("x_embedder.weight", DType.F32, new Shape(32, 16), 0, 2048);
        Assert.Throws<ArgumentException>(() => f.GetBytes(foreign));
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFoundNamingPath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open("/nonexistent/x.safetensors"));
        Assert.StartsWith("/nonexistent/x.safetensors: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ThenAccess_ThrowsObjectDisposed()
    {
        var f = SafetensorsFile.Open(TestPaths.FluxTinyWeights);
        var e = f.Tensors[0];
        f.Dispose();
        Assert.Throws<ObjectDisposedException>(() => f.GetBytes(e).Length);
    }

    internal static HostTensor Random(DType dtype, Shape shape, Random rng)
    {
        var t = new HostTensor(dtype, shape);
        rng.NextBytes(t.Data);
        return t;
    }
}
