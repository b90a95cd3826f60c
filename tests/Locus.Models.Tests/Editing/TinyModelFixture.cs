using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Editing;

namespace Locus.Models.Tests.Editing;

/// <summary>A seeded random tiny Kontext folder in a temp dir with one CPU pipeline, shared by a test class.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "locus-edit-" + Guid.NewGuid().ToString("N"));
        TinyKontextModel.Write(Root, seed: 11);
        Backend = new CpuBackend();
        Pipeline = EditPipeline.Open(Root, Backend);
        Pipeline.Load();   // so no test's progress depends on whether it ran first (EditPipelineLoadTests cover the lazy load)
    }

    public string Root { get; }

    public CpuBackend Backend { get; }

    public EditPipeline Pipeline { get; }

    public void Dispose()
    {
        Pipeline.Dispose();
        Backend.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A 70×50 procedural image (gradient + disc): resized to 64×48 by the size policy.</summary>
    public static Rgb8Image SampleImage(int width = 70, int height = 50)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                bool disc = Math.Pow(x - (width / 2.0), 2) + Math.Pow(y - (height / 2.0), 2) < Math.Pow(height / 4.0, 2);
                rgb[i] = (byte)(x * 255 / width);
                rgb[i + 1] = (byte)(y * 255 / height);
                rgb[i + 2] = disc ? (byte)230 : (byte)40;
            }
        }
        return new Rgb8Image(width, height, rgb);
    }

    /// <summary>Mask [h, w] = 1 on the left <paramref name="fraction"/> of the columns.</summary>
    public static HostTensor LeftMask(int width, int height, double fraction)
    {
        var m = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width * fraction; x++)
            {
                m[y * width + x] = 1f;
            }
        }
        return HostTensor.FromFloats(new Shape(height, width), m);
    }

    public static EditRequest Request(long seed = 1, int steps = 3) => new()
    {
        Image = SampleImage(),
        Embeddings = TinyKontextModel.RandomEmbeddings(5, 42),
        Steps = steps,
        Seed = seed,
    };
}
