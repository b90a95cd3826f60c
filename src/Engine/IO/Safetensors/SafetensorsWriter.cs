using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Safetensors;

/// <summary>
/// Writes standard safetensors files: u64 LE header length, JSON header with keys sorted (ordinal),
/// space-padded so the data section starts on an 8-byte boundary, then the tensors' bytes in key order.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (and optional <c>__metadata__</c>) to <paramref name="path"/>, replacing it.</summary>
    /// <exception cref="ArgumentException">Duplicate or empty names, or the reserved name <c>__metadata__</c>.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = new SortedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
            {
                throw new ArgumentException($"invalid tensor name '{name}'", nameof(tensors));
            }
            ArgumentNullException.ThrowIfNull(tensor, name);
            if (!sorted.TryAdd(name, tensor))
            {
                throw new ArgumentException($"tensor '{name}' is given twice", nameof(tensors));
            }
        }
        byte[] header = BuildHeader(sorted, metadata);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in sorted.Values)
        {
            stream.Write(t.Data);
        }
    }

    private static byte[] BuildHeader(SortedDictionary<string, HostTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(k, v);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", t.DType.SafetensorsName());
                json.WriteStartArray("shape");
                foreach (int d in t.Shape.Dims)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.LongLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.LongLength;
            }
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}
