using System.Text.Json;

namespace Locus.Models.MmDit;

/// <summary>Reads diffusers <c>config.json</c> values with the model's defaults; bad values throw <see cref="ModelConfigException"/> naming the key.</summary>
internal static class ConfigJson
{
    public static JsonElement Parse(string text, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException($"{source}: the config must be a JSON object");
            }
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{source}: invalid JSON ({e.Message})", e);
        }
    }

    /// <summary>The text of <paramref name="path"/>; a missing or unreadable file is a <see cref="ModelConfigException"/> naming it.</summary>
    public static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ModelConfigException($"{path}: cannot read the config ({e.Message})", e);
        }
    }

    public static string? ClassName(JsonElement root) =>
        root.TryGetProperty("_class_name", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(JsonElement root, string key, int fallback, string source, int min = 1)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value) || value < min)
        {
            throw new ModelConfigException($"{source}: '{key}' must be an integer ≥ {min}, got {v.GetRawText()}");
        }
        return value;
    }

    public static int? NullableInt(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return Int(root, key, 0, source);
    }

    public static bool Bool(JsonElement root, string key, bool fallback, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelConfigException($"{source}: '{key}' must be true or false, got {v.GetRawText()}"),
        };
    }

    public static int[] IntArray(JsonElement root, string key, int[] fallback, string source)
    {
        if (!root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new ModelConfigException($"{source}: '{key}' must be an array of integers, got {v.GetRawText()}");
        }
        var list = new List<int>();
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int x) || x <= 0)
            {
                throw new ModelConfigException($"{source}: '{key}' must hold positive integers, got {v.GetRawText()}");
            }
            list.Add(x);
        }
        return list.ToArray();
    }

    /// <summary>Checks the RoPE axes: three even dims summing to the head dim (mmdit-spec §6).</summary>
    public static void CheckRope(int[] axes, int headDim, string source)
    {
        if (axes.Length != 3 || axes.Any(a => a % 2 != 0) || axes.Sum() != headDim)
        {
            throw new ModelConfigException($"{source}: 'axes_dims_rope' [{string.Join(", ", axes)}] must be 3 even dims summing to attention_head_dim {headDim}");
        }
    }
}
