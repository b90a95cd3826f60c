using System.Buffers.Binary;
using System.Text;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;
using Xunit;

namespace Locus.Engine.Tests.IO;

/// <summary>
/// Mutation fuzzing of the reader: header and data byte flips, truncation, extension, header-length
/// changes and JSON token splices of valid files (one case in 12 through a real
/// memory-mapped file, the rest through the same parser on an in-memory copy). The only accepted outcomes are a successful open
/// (after which every tensor must read back) or <see cref="SafetensorsFormatException"/>.
/// </summary>
public sealed class SafetensorsFuzzTests
{
    private const int Seed = 20230828;
    private const int CaseCount = 12_000;

    /// <summary>Every n-th case goes through a real file and <see cref="SafetensorsFile.Open"/>; the rest parse in memory.</summary>
    private const int FileEvery = 12;

    private static readonly string[] s_tokens =
    [
        "-1", "0", "1", "7", "8", "1e30", "2.5", "99999999999999999999", "9223372036854775807", "null", "true", "[]", "{}",
        "\"F64\"", "\"BF16\"", "\"U8\"", "\"\"", "\"__metadata__\"", "\"\\ud800\"", ",", ":", "[", "]", "{", "}", "\"", "\\",
        "[0,0]", "[1,2,3]", "[2147483647,2147483647]",
    ];

    [Fact]
    public void Open_MutatedFiles_OnlySucceedOrThrowFormatException()
    {
        var rng = new Random(Seed);
        var seeds = SeedFiles(rng);
        using var dir = new TempDir();
        string path = dir.File("fuzz.safetensors");
        int accepted = 0, rejected = 0;
        for (int i = 0; i < CaseCount; i++)
        {
            byte[] original = seeds[rng.Next(seeds.Count)];
            byte[] mutated = Mutate(original, rng, out string how);
            bool viaFile = i % FileEvery == 0;
            if (viaFile)
            {
                File.WriteAllBytes(path, mutated);
            }
            try
            {
                using var f = viaFile ? SafetensorsFile.Open(path) : SafetensorsFile.FromBytes(mutated, path);
                foreach (var t in f.Tensors)
                {
                    var read = f.Read(t.Name);
                    Assert.Equal(t.ByteLength, read.Data.LongLength);
                }
                accepted++;
            }
            catch (SafetensorsFormatException e)
            {
                Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({how}) threw {e.GetType().Name}: {e.Message}");
            }
        }
        // Both outcomes must actually occur, or the mutations are not exercising the reader.
        Assert.True(accepted > CaseCount / 20, $"only {accepted} mutated files were accepted");
        Assert.True(rejected > CaseCount / 4, $"only {rejected} mutated files were rejected");
    }

    private static List<byte[]> SeedFiles(Random rng)
    {
        using var dir = new TempDir();
        var files = new List<byte[]>();
        var sets = new List<(Dictionary<string, HostTensor> Tensors, Dictionary<string, string>? Meta)>
        {
            (new() { ["w"] = SafetensorsFileTests.Random(DType.F32, new Shape(3, 4), rng) }, null),
            (new()
            {
                ["a.weight"] = SafetensorsFileTests.Random(DType.BF16, new Shape(2, 3), rng),
                ["a.bias"] = SafetensorsFileTests.Random(DType.F16, new Shape(3), rng),
                ["ids"] = SafetensorsFileTests.Random(DType.I64, new Shape(2), rng),
            }, new() { ["format"] = "pt" }),
            (new()
            {
                ["empty"] = new HostTensor(DType.F32, new Shape(0)),
                ["scalar"] = SafetensorsFileTests.Random(DType.I32, new Shape(), rng),
                ["mask"] = SafetensorsFileTests.Random(DType.U8, new Shape(5), rng),
            }, null),
        };
        for (int i = 0; i < sets.Count; i++)
        {
            string p = dir.File($"seed{i}.safetensors");
            SafetensorsWriter.Write(p, sets[i].Tensors, sets[i].Meta);
            files.Add(File.ReadAllBytes(p));
        }
        files.Add(SafetensorsBytes.ReadmeVector());
        return files;
    }

    private static byte[] Mutate(byte[] file, Random rng, out string how)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        int dataStart = 8 + headerLength;
        byte[] b = (byte[])file.Clone();
        switch (rng.Next(7))
        {
            case 0:
                how = "header byte flips";
                for (int k = rng.Next(1, 5); k > 0; k--)
                {
                    b[8 + rng.Next(headerLength)] = (byte)rng.Next(256);
                }
                return b;
            case 1:
                how = "data byte flips";
                if (b.Length > dataStart)
                {
                    b[dataStart + rng.Next(b.Length - dataStart)] ^= (byte)rng.Next(1, 256);
                }
                return b;
            case 2:
                how = "truncation";
                return b[..rng.Next(b.Length)];
            case 3:
                how = "extension";
                var extra = new byte[rng.Next(1, 64)];
                rng.NextBytes(extra);
                return [.. b, .. extra];
            case 4:
                how = "length field";
                ulong length = rng.Next(3) switch
                {
                    0 => (ulong)(headerLength + rng.Next(-16, 17)),
                    1 => (ulong)rng.NextInt64(),
                    _ => (ulong)rng.Next(0, 256),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(b, length);
                return b;
            case 5:
                how = "length-field bytes";
                b[rng.Next(8)] = (byte)rng.Next(256);
                return b;
            default:
                how = "JSON splice";
                return Splice(file, headerLength, rng);
        }
    }

    /// <summary>Replaces a random span of the header JSON with a token, keeping the length field consistent.</summary>
    private static byte[] Splice(byte[] file, int headerLength, Random rng)
    {
        string header = Encoding.UTF8.GetString(file, 8, headerLength);
        int at = rng.Next(header.Length);
        int remove = Math.Min(rng.Next(0, 6), header.Length - at);
        string token = s_tokens[rng.Next(s_tokens.Length)];
        // Prefer replacing whole numbers so offsets and dims change while the JSON stays valid.
        if (rng.Next(2) == 0 && char.IsDigit(header[at]))
        {
            int start = at, end = at;
            while (start > 0 && char.IsDigit(header[start - 1]))
            {
                start--;
            }
            while (end < header.Length && char.IsDigit(header[end]))
            {
                end++;
            }
            at = start;
            remove = end - start;
            token = rng.Next(3) == 0 ? token : rng.Next(0, 40).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        string spliced = header[..at] + token + header[(at + remove)..];
        return SafetensorsBytes.Build(Encoding.UTF8.GetBytes(spliced), file[(8 + headerLength)..]);
    }
}
