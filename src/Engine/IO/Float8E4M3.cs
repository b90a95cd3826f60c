namespace Locus.Engine.IO;

/// <summary>FP8 E4M3 (torch <c>float8_e4m3fn</c>): 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities, NaN = 0x7F/0xFF, max 448.</summary>
internal static class Float8E4M3
{
    private static readonly float[] s_table = BuildTable();

    /// <summary>Exact value of an E4M3 byte.</summary>
    public static float ToSingle(byte bits) => s_table[bits];

    /// <summary>Widens a span of E4M3 bytes.</summary>
    public static void ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = s_table[source[i]];
        }
    }

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (int b = 0; b < 256; b++)
        {
            int sign = b >> 7, exponent = (b >> 3) & 0xF, mantissa = b & 0x7;
            double magnitude = exponent == 0
                ? mantissa / 8.0 * Math.Pow(2, -6)
                : (1 + mantissa / 8.0) * Math.Pow(2, exponent - 7);
            table[b] = exponent == 0xF && mantissa == 0x7 ? float.NaN : (float)(sign == 1 ? -magnitude : magnitude);
        }
        return table;
    }
}
