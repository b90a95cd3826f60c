using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Locus.Models.Tests.Scheduling;

/// <summary>
/// Locates tests/fixtures from the repo root (found by walking up to Engine.sln) and reads the F32-only
/// safetensors fixtures with a minimal independent reader (8-byte LE header length, JSON header, raw F32 data).
/// </summary>
internal static class FixtureFiles
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string RepoRoot => s_root.Value;

    public static string Diffusers(params string[] parts) =>
        Path.Combine([RepoRoot, "tests", "fixtures", "diffusers", .. parts]);

    /// <summary>All tensors of an F32 safetensors file: name → (shape, values).</summary>
    public static Dictionary<string, (int[] Shape, float[] Values)> ReadF32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var result = new Dictionary<string, (int[], float[])>(StringComparer.Ordinal);
        int dataStart = 8 + (int)headerLength;
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }
            if (entry.Value.GetProperty("dtype").GetString() != "F32")
            {
                throw new InvalidDataException($"{path}: '{entry.Name}' is not F32");
            }
            int[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var values = new float[(offsets[1] - offsets[0]) / 4];
            Buffer.BlockCopy(bytes, dataStart + offsets[0], values, 0, values.Length * 4);
            result[entry.Name] = (shape, values);
        }
        return result;
    }

    private static string FindRoot()
    {
        // The build output may live outside the repo (--artifacts-path), so also try the working directory and
        // this source file's compile-time location.
        foreach (string start in (string[])[AppContext.BaseDirectory, Directory.GetCurrentDirectory(), SourceDirectory()])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException($"Engine.sln not found above {AppContext.BaseDirectory} or {SourceDirectory()}");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? "/";
}
