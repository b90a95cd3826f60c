using System.Buffers.Binary;
using System.Text;

namespace Locus.Engine.Tests.IO;

/// <summary>Builds raw safetensors bytes by hand (independent of the writer under test).</summary>
internal static class SafetensorsBytes
{
    /// <summary>8-byte LE length + header (unpadded, as given) + data.</summary>
    public static byte[] Build(string headerJson, byte[] data) => Build(Encoding.UTF8.GetBytes(headerJson), data);

    public static byte[] Build(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>The test vector of the safetensors README: one I32 [2, 2] tensor "test" of zeros, header length 60.</summary>
    public static byte[] ReadmeVector() =>
        Build("{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", new byte[16]);

    /// <summary>Bytes 0, 1, 2, … of the given length.</summary>
    public static byte[] Ramp(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
}
