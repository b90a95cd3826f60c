using System.Text.Json;
using Locus.Engine.IO;

namespace Locus.Models.Scheduling;

/// <summary>
/// Typed reads of a diffusers <c>config.json</c> object. Every failure is a <see cref="LocusException"/>
/// naming the source and the key. Shared by the scheduler and VAE configs.
/// </summary>
internal readonly struct JsonConfig(JsonElement root, string source)
{
    public string Source => source;

    /// <summary>The text of config file <paramref name="path"/>; an unreadable file is a <see cref="LocusException"/> "<paramref name="what"/> 'path': cannot read: …".</summary>
    public static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocusException($"{what} '{path}': cannot read: {e.Message}", e);
        }
    }

    public static JsonDocument Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new LocusException($"{source}: malformed JSON: {e.Message}", e);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new LocusException($"{source}: the top level must be a JSON object");
        }
        return doc;
    }

    public bool Has(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    public bool Bool(string key, bool fallback)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(key, v, "a boolean"),
        };
    }

    public string String(string key, string fallback)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad(key, v, "a string");
    }

    public int Int(string key, int? fallback, int min = int.MinValue)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback ?? throw new LocusException($"{source}: required key '{key}' is missing");
        }
        return IntValue(key, v, min);
    }

    public double Double(string key, double? fallback, double minExclusive = double.NegativeInfinity)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback ?? throw new LocusException($"{source}: required key '{key}' is missing");
        }
        return DoubleValue(key, v, minExclusive);
    }

    public double? NullableDouble(string key)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return DoubleValue(key, v, double.NegativeInfinity);
    }

    public int[] IntArray(string key, int[]? fallback, int min = int.MinValue)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback ?? throw new LocusException($"{source}: required key '{key}' is missing");
        }
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            throw Bad(key, v, "a non-empty array of integers");
        }
        var result = new int[v.GetArrayLength()];
        int i = 0;
        foreach (var e in v.EnumerateArray())
        {
            result[i] = IntValue($"{key}[{i}]", e, min);
            i++;
        }
        return result;
    }

    public int ArrayLength(string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : -1;

    private int IntValue(string key, JsonElement v, int min)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x))
        {
            throw Bad(key, v, "an integer");
        }
        if (x < min)
        {
            throw new LocusException($"{source}: '{key}' = {x} must be ≥ {min}");
        }
        return x;
    }

    private double DoubleValue(string key, JsonElement v, double minExclusive)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double x) || !double.IsFinite(x))
        {
            throw Bad(key, v, "a finite number");
        }
        if (!(x > minExclusive))
        {
            throw new LocusException($"{source}: '{key}' = {x} must be > {minExclusive}");
        }
        return x;
    }

    private LocusException Bad(string key, JsonElement v, string expected) =>
        new($"{source}: '{key}' is {v.ValueKind} {Clip(v.GetRawText())}; expected {expected}");

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
