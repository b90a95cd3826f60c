using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;

namespace Locus.Models.Tests.MmDit;

/// <summary>Paths and loaders for tests/fixtures (located by walking up to Engine.sln).</summary>
internal static class ModelFixtures
{
    private static readonly Lazy<string> s_root = new(() =>
        FindUp(AppContext.BaseDirectory) ?? FindUp(SourceDirectory())
        ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory + " or " + SourceDirectory()));

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";

    private static string? FindUp(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName;
    }

    public static string Root => s_root.Value;

    public static string Flux(string file) => Path.Combine(Root, "tests", "fixtures", "diffusers", "flux_kontext_tiny", file);

    public static string Qwen(string file) => Path.Combine(Root, "tests", "fixtures", "diffusers", "qwen_image_edit_tiny", file);

    public static string Grag(string file) => Path.Combine(Root, "tests", "fixtures", "grag", "qwen_image_edit_tiny", file);

    /// <summary>Every tensor of a safetensors file.</summary>
    public static Dictionary<string, HostTensor> Load(string path)
    {
        using var f = SafetensorsFile.Open(path);
        return f.Tensors.ToDictionary(e => e.Name, f.Read, StringComparer.Ordinal);
    }

    /// <summary>The "config" object of a CASE.json as JSON text.</summary>
    public static string CaseConfig(string casePath)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(casePath));
        return doc.RootElement.GetProperty("config").GetRawText();
    }

    /// <summary>max|a − b| / max|b| (asserts equal shapes).</summary>
    public static double RelError(HostTensor actual, HostTensor expected)
    {
        Xunit.Assert.Equal(expected.Shape, actual.Shape);
        var a = actual.ToFloatArray();
        var e = expected.ToFloatArray();
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - e[i]);
            maxDiff = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(maxDiff, d);
            maxRef = Math.Max(maxRef, Math.Abs((double)e[i]));
        }
        return maxDiff / Math.Max(maxRef, 1e-30);
    }

    /// <summary>Slice [start, start + length) of axis 1 of a dense [B, N, C] tensor.</summary>
    public static HostTensor Tokens(HostTensor t, int start, int length)
    {
        int b = t.Shape[0], n = t.Shape[1], c = t.Shape[2];
        var src = t.ToFloatArray();
        var dst = new float[b * length * c];
        for (int i = 0; i < b; i++)
        {
            Array.Copy(src, ((i * n) + start) * c, dst, i * length * c, length * c);
        }
        return HostTensor.FromFloats(new Shape(b, length, c), dst);
    }

    /// <summary>Batch item <paramref name="index"/> of a tensor as a batch-1 tensor.</summary>
    public static HostTensor Item(HostTensor t, int index)
    {
        long per = t.ElementCount / t.Shape[0];
        var src = t.ToFloatArray();
        var dims = t.Shape.Dims.ToArray();
        dims[0] = 1;
        return HostTensor.FromFloats(new Shape(dims), src.AsSpan((int)(index * per), (int)per));
    }
}
