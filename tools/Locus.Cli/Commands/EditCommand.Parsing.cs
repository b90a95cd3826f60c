using System.Globalization;
using Locus.Engine.Tensors;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

/// <summary>Option parsing and the <c>--save-maps</c> writer of <c>locus edit</c>.</summary>
public static partial class EditCommand
{
    /// <summary>Heat maps over the processed source: every text token, the instruction score, and the mask when attention-derived.</summary>
    private static void SaveMaps(EditResult result, EditMaps maps, IReadOnlyList<int>? tokens, string dir, TextWriter output)
    {
        Directory.CreateDirectory(dir);
        int textTokens = maps.TextOnly.Shape[1];
        for (int t = 0; t < textTokens; t++)
        {
            HeatMaps.SaveHeatMap(maps.TokenMap(t), result.Source, Path.Combine(dir, $"token-{t:D3}.png"));
        }
        if (tokens is { Count: > 0 })
        {
            HeatMaps.SaveHeatMap(AttentionMaskBuilder.TokenScores(maps.TextOnly, tokens, maps.GridHeight, maps.GridWidth), result.Source, Path.Combine(dir, "instruction.png"));
        }
        if (result.TokenMask is not null)
        {
            HeatMaps.SaveMaskOverlay(result.TokenMask!, result.Source, Path.Combine(dir, "mask.png"));
        }
        output.WriteLine($"wrote {textTokens} token heat maps ({maps.Steps} capture step(s)) to {dir}");
    }

    private static SizePolicy ParseSize(string text)
    {
        const NumberStyles n = NumberStyles.Integer;
        var inv = CultureInfo.InvariantCulture;
        if (text == "auto")
        {
            return SizePolicy.NearestMultiple;
        }
        if (text == "kontext")
        {
            return SizePolicy.KontextPreferred;
        }
        try
        {
            if (text == "area")
            {
                return SizePolicy.Area();
            }
            if (text.StartsWith("area:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(5), n, inv, out long pixels))
            {
                return SizePolicy.Area(pixels);
            }
            var wh = text.Split('x');
            if (wh.Length == 2 && int.TryParse(wh[0], n, inv, out int w) && int.TryParse(wh[1], n, inv, out int h))
            {
                return SizePolicy.Exact(w, h);
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"--size '{text}': {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
        throw new ArgumentException($"--size must be auto, kontext, area, area:PIXELS or WxH, got '{text}'");
    }

    private static int[] ParseInts(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
            {
                throw new ArgumentException($"{option} must be a comma-separated list of token indices ≥ 0, got '{text}'");
            }
        }
        return values;
    }

    private static float ParseBias(string text)
    {
        if (text is "-inf" or "-infinity")
        {
            return float.NegativeInfinity;
        }
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
        {
            throw new ArgumentException($"--region-bias must be a finite number or -inf, got '{text}'");
        }
        return v;
    }

    private static GragSettings ParseGrag(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float l)
            || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float d) || !float.IsFinite(l) || !float.IsFinite(d))
        {
            throw new ArgumentException($"--grag must be two numbers LAMBDA,DELTA, got '{text}'");
        }
        return new GragSettings(l, d);
    }
}
