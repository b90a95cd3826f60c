using System.Buffers.Binary;
using System.Text;
using Locus.Engine.IO.Safetensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

public sealed class SafetensorsMalformedTests
{
    private const string Entry = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    public static TheoryData<string, string, int, string> Headers => new()
    {
        // case, header JSON, data bytes, expected fragment of the reason
        { "not an object", "[1,2]", 0, "not a JSON object" },
        { "invalid JSON", "{\"t\":{", 0, "not valid JSON" },
        { "trailing garbage", "{" + Entry + "}x", 8, "not valid JSON" },
        { "tensor not an object", "{\"t\":5}", 0, "not a JSON object" },
        { "unknown dtype", "{\"t\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype 'F99'" },
        { "unsupported dtype", "{\"t\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "dtype 'F64'" },
        { "dtype not string", "{\"t\":{\"dtype\":1,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype is not a string" },
        { "missing offsets", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "lacks data_offsets" },
        { "missing shape", "{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "lacks shape" },
        { "size mismatch", "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "hold 8 bytes" },
        { "negative dim", "{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "non-negative integer" },
        { "fractional dim", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8, "non-negative integer" },
        { "huge dim", "{\"t\":{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,8]}}", 8, "too large" },
        { "count overflow", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8, "overflows" },
        { "too many dims", "{\"t\":{\"dtype\":\"U8\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,1]}}", 1, "more than 8" },
        { "three offsets", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", 8, "more than 2" },
        { "one offset", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "[begin, end]" },
        { "negative offset", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8, "non-negative integer" },
        { "end before begin", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,2]}}", 4, "end before they begin" },
        { "out of range", "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "run past" },
        { "offset beyond long", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}", 8, "non-negative integer" },
        { "gap at start", "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap" },
        { "gap between", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}", 6, "gap" },
        { "overlap", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 6, "overlap" },
        { "trailing data", "{" + Entry + "}", 12, "data section is 12 bytes" },
        { "duplicate names", "{" + Entry + "," + Entry + "}", 8, "duplicate tensor name 't'" },
        { "duplicate field", "{\"t\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "twice" },
        { "metadata not object", "{\"__metadata__\":[1]," + Entry + "}", 8, "__metadata__ is not a JSON object" },
        { "metadata value not string", "{\"__metadata__\":{\"a\":1}," + Entry + "}", 8, "not a string" },
        { "duplicate metadata", "{\"__metadata__\":{},\"__metadata__\":{}," + Entry + "}", 8, "duplicate __metadata__" },
        { "lone surrogate escape", "{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Open_MalformedHeader_ThrowsFormatExceptionNamingFile(string name, string header, int dataBytes, string reason)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build(header, new byte[dataBytes]));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Open_ShorterThanLengthField_Throws(int length)
    {
        using var dir = new TempDir();
        string path = dir.File("short.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("shorter than the 8-byte header length", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(61UL, "runs past the end")]
    [InlineData(100_000_001UL, "exceeds the 100000000-byte limit")]
    [InlineData(ulong.MaxValue, "exceeds")]
    public void Open_BadHeaderLength_Throws(ulong headerLength, string reason)
    {
        using var dir = new TempDir();
        string path = dir.File("len.safetensors");
        byte[] bytes = SafetensorsBytes.ReadmeVector()[..68];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_InvalidUtf8_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("utf8.safetensors");
        byte[] header = Encoding.UTF8.GetBytes("{\"t\xff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        header[4] = 0xFF;
        File.WriteAllBytes(path, SafetensorsBytes.Build(header, new byte[8]));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TruncatedFixture_Throws()
    {
        using var dir = new TempDir();
        string path = dir.File("trunc.safetensors");
        byte[] full = File.ReadAllBytes(TestPaths.FluxTinyWeights);
        File.WriteAllBytes(path, full[..(full.Length - 1)]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains("run past", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyHeaderObject_HasNoTensors()
    {
        using var dir = new TempDir();
        string path = dir.File("empty.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.Build("{}      ", []));
        using var f = SafetensorsFile.Open(path);
        Assert.Empty(f.Tensors);
    }
}
