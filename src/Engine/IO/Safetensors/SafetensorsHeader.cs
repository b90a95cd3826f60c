using System.Text.Json;
using System.Text.Unicode;
using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Safetensors;

/// <summary>
/// Parses and validates a safetensors JSON header (huggingface/safetensors <c>tensor.rs</c> rules):
/// every tensor has a known dtype, a non-negative shape and <c>data_offsets</c> [begin, end]; sorted by
/// offset the ranges tile the data section from 0 to its end with no gap or overlap, and each range
/// is exactly element count × dtype size.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>Largest header accepted (MAX_HEADER_SIZE of the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Parses <paramref name="header"/>; data starts at absolute offset <paramref name="dataStart"/> and is <paramref name="dataLength"/> bytes.</summary>
    public static (List<TensorEntry> Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> header, long dataStart, long dataLength, string path)
    {
        if (!Utf8.IsValid(header))
        {
            throw Fail(path, "header is not valid UTF-8");
        }
        var raw = new List<(string Name, DType DType, int[] Dims, long Begin, long End)>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
            Expect(ref reader, JsonTokenType.StartObject, path, "header is not a JSON object");
            bool sawMetadata = false;
            while (true)
            {
                Next(ref reader, path);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                string name = reader.GetString()!;
                if (name == "__metadata__")
                {
                    if (sawMetadata)
                    {
                        throw Fail(path, "duplicate __metadata__");
                    }
                    sawMetadata = true;
                    ReadMetadata(ref reader, metadata, path);
                    continue;
                }
                if (!names.Add(name))
                {
                    throw Fail(path, $"duplicate tensor name '{name}'");
                }
                raw.Add(ReadTensor(ref reader, name, path));
            }
            if (reader.Read())
            {
                throw Fail(path, "unexpected data after the header object");
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"{path}: header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            throw new SafetensorsFormatException($"{path}: header has an invalid JSON value ({e.Message})", e);
        }
        return (Validate(raw, dataStart, dataLength, path), metadata);
    }

    private static List<TensorEntry> Validate(List<(string Name, DType DType, int[] Dims, long Begin, long End)> raw, long dataStart, long dataLength, string path)
    {
        var order = raw.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long cursor = 0;
        foreach (var t in order)
        {
            if (t.Begin != cursor)
            {
                throw Fail(path, t.Begin < cursor
                    ? $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] overlap the previous tensor (ending at {cursor})"
                    : $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] leave a gap after offset {cursor}");
            }
            if (t.End < t.Begin)
            {
                throw Fail(path, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] end before they begin");
            }
            if (t.End > dataLength)
            {
                throw Fail(path, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] run past the {dataLength}-byte data section");
            }
            long count = 1;
            foreach (int d in t.Dims)
            {
                if (d != 0 && count > long.MaxValue / d)
                {
                    throw Fail(path, $"tensor '{t.Name}' element count overflows");
                }
                count *= d;
            }
            long size = t.DType.SizeInBytes();
            if (count > long.MaxValue / size || count * size != t.End - t.Begin)
            {
                throw Fail(path, $"tensor '{t.Name}' is {t.DType.SafetensorsName()} [{string.Join(", ", t.Dims)}] but data_offsets [{t.Begin}, {t.End}] hold {t.End - t.Begin} bytes");
            }
            cursor = t.End;
        }
        if (cursor != dataLength)
        {
            throw Fail(path, $"tensors cover {cursor} bytes but the data section is {dataLength} bytes");
        }
        return raw.Select(t => new TensorEntry(t.Name, t.DType, new Shape(t.Dims), dataStart + t.Begin, t.End - t.Begin)).ToList();
    }

    private static (string, DType, int[], long, long) ReadTensor(ref Utf8JsonReader reader, string name, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(path, $"tensor '{name}' is not a JSON object");
        }
        string? dtypeName = null;
        int[]? dims = null;
        long[]? offsets = null;
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            string key = reader.GetString()!;
            Next(ref reader, path);
            switch (key)
            {
                case "dtype" when dtypeName is null:
                    dtypeName = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Fail(path, $"tensor '{name}' dtype is not a string");
                    break;
                case "shape" when dims is null:
                    dims = ReadIntegers(ref reader, path, name, "shape", Shape.MaxRank).Select(d => d <= int.MaxValue ? (int)d : throw Fail(path, $"tensor '{name}' dimension {d} is too large")).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, path, name, "data_offsets", 2);
                    if (offsets.Length != 2)
                    {
                        throw Fail(path, $"tensor '{name}' data_offsets must be [begin, end]");
                    }
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail(path, $"tensor '{name}' has '{key}' twice");
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtypeName is null || dims is null || offsets is null)
        {
            throw Fail(path, $"tensor '{name}' lacks {(dtypeName is null ? "dtype" : dims is null ? "shape" : "data_offsets")}");
        }
        if (!DTypeInfo.TryParseSafetensors(dtypeName, out var dtype))
        {
            throw Fail(path, $"tensor '{name}' has unknown or unsupported dtype '{dtypeName}'");
        }
        return (name, dtype, dims, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string path, string name, string field, int max)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail(path, $"tensor '{name}' {field} is not an array");
        }
        var values = new List<long>();
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values.ToArray();
            }
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
            {
                throw Fail(path, $"tensor '{name}' {field} holds a value that is not a non-negative integer");
            }
            if (values.Count == max)
            {
                throw Fail(path, $"tensor '{name}' {field} has more than {max} values");
            }
            values.Add(v);
        }
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path)
    {
        Next(ref reader, path);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(path, "__metadata__ is not a JSON object");
        }
        while (true)
        {
            Next(ref reader, path);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }
            string key = reader.GetString()!;
            Next(ref reader, path);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Fail(path, $"__metadata__ value of '{key}' is not a string");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Fail(path, $"duplicate __metadata__ key '{key}'");
            }
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, string reason)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw Fail(path, reason);
        }
    }

    private static void Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read())
        {
            throw Fail(path, "header JSON ends early");
        }
    }

    private static SafetensorsFormatException Fail(string path, string reason) => SafetensorsFormatException.For(path, reason);
}
