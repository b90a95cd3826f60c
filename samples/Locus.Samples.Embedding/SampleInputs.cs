using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.Editing;

namespace Locus.Samples.Embedding;

/// <summary>Inputs for the no-argument run: a 96×64 gradient image, a centred rectangle mask and random embeddings.</summary>
public static class SampleInputs
{
    /// <summary>Writes the source PNG, the prompt embeddings safetensors and the mask PNG.</summary>
    public static void Write(string imagePath, string embedsPath, string maskPath)
    {
        const int width = 96, height = 64;
        var rgb = new byte[width * height * 3];
        var mask = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int o = (y * width + x) * 3;
                rgb[o] = (byte)(255 * x / (width - 1));
                rgb[o + 1] = (byte)(255 * y / (height - 1));
                rgb[o + 2] = 128;
                mask[y * width + x] = x >= width / 4 && x < 3 * width / 4 && y >= height / 4 && y < 3 * height / 4 ? 1f : 0f;
            }
        }
        ImageCodec.SavePng(new Rgb8Image(width, height, rgb), imagePath);
        MaskImage.Save(HostTensor.FromFloats(new Shape(height, width), mask), maskPath);
        TinyKontextModel.RandomEmbeddings(textTokens: 8, seed: 3).Save(embedsPath);
    }
}
