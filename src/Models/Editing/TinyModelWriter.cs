using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>Writes one seeded random component folder (config.json + diffusion_pytorch_model.safetensors) of the tiny test models.</summary>
internal static class TinyModelWriter
{
    /// <summary>
    /// Values: N(0, 1)/√fan_in for matrices and convolutions, 0.02·N(0, 1) for biases, 1 + 0.02·N(0, 1) for norm scales
    /// (1-D "norm…weight" and the Qwen VAE's "gamma").
    /// </summary>
    public static void WriteComponent(string dir, string configJson, IReadOnlyList<KeyValuePair<string, Shape>> shapes, long seed)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), configJson);
        var tensors = new List<KeyValuePair<string, HostTensor>>(shapes.Count);
        for (int i = 0; i < shapes.Count; i++)
        {
            var (key, shape) = shapes[i];
            var t = SeededNoise.Normal(shape, seed * 7919 + i);
            var v = t.AsSpan<float>();
            // Norm scales: 1-D "norm…weight" (transformer) and the VAE's [C, 1, 1(, 1)] "gamma".
            bool norm = key.EndsWith(".gamma", StringComparison.Ordinal)
                || (shape.Rank == 1 && key.Contains("norm", StringComparison.Ordinal) && key.EndsWith(".weight", StringComparison.Ordinal));
            float scale = norm || shape.Rank == 1 ? 0.02f : 1f / MathF.Sqrt(shape.ElementCount / shape[0]);
            for (int k = 0; k < v.Length; k++)
            {
                v[k] = (norm ? 1f : 0f) + (scale * v[k]);
            }
            tensors.Add(new(key, t));
        }
        SafetensorsWriter.Write(Path.Combine(dir, "diffusion_pytorch_model.safetensors"), tensors);
    }
}
