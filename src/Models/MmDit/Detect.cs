using System.Globalization;
using Locus.Engine.Tensors;
using Locus.Models.Common;

namespace Locus.Models.MmDit;

/// <summary>Helpers for config detection from checkpoint key names and shapes.</summary>
internal static class Detect
{
    /// <summary>Shape of the first present key.</summary>
    public static Shape Shape(IWeightCatalog w, params string[] keys)
    {
        foreach (var k in keys)
        {
            if (w.TryGetInfo(k, out _, out var s))
            {
                return s;
            }
        }
        throw new ModelConfigException($"{w.Source}: cannot detect the config, '{keys[0]}' is missing");
    }

    /// <summary>Number of blocks <c>prefix{i}.</c> (max index + 1).</summary>
    public static int CountBlocks(IWeightCatalog w, string prefix)
    {
        int max = -1;
        foreach (var k in w.Keys)
        {
            if (!k.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            int dot = k.IndexOf('.', prefix.Length);
            if (dot > prefix.Length && int.TryParse(k.AsSpan(prefix.Length, dot - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int i))
            {
                max = Math.Max(max, i);
            }
        }
        return max + 1;
    }

    /// <summary>(16, 56, 56) for head dim 128; otherwise the same 1:3.5:3.5 split rounded to even dims.</summary>
    public static int[] DefaultAxes(int headDim)
    {
        if (headDim == 128)
        {
            return [16, 56, 56];
        }
        int a0 = Math.Max(2, headDim / 8 / 2 * 2);
        int rest = headDim - a0;
        int a1 = rest / 2 / 2 * 2;
        return [a0, a1, rest - a1];
    }
}
