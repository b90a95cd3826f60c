using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Pipelines;
using Xunit;

namespace Locus.Models.Tests.Scheduling;

/// <summary>Latent packing vs a hand-written index formula and the diffusers Kontext fixture.</summary>
public sealed class LatentPackingTests
{
    private static readonly Lazy<Dictionary<string, (int[] Shape, float[] Values)>> s_kontextIo = new(() =>
        FixtureFiles.ReadF32(FixtureFiles.Diffusers("flux_kontext_tiny", "io.safetensors")));

    [Fact]
    public void Pack_RandomLatent_MatchesIndexFormula()
    {
        const int b = 2, c = 3, h = 4, w = 6;
        var latent = RandomTensor(new Shape(b, c, h, w), seed: 11);
        float[] x = latent.ToFloatArray();

        var packed = LatentPacking.Pack(latent);

        Assert.Equal(new Shape(b, h / 2 * (w / 2), 4 * c), packed.Shape);
        float[] p = packed.ToFloatArray();
        // packed[n, r·(W/2) + col, ch·4 + dy·2 + dx] = latent[n, ch, 2r + dy, 2col + dx]
        for (int n = 0; n < b; n++)
        {
            for (int r = 0; r < h / 2; r++)
            {
                for (int col = 0; col < w / 2; col++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        for (int dy = 0; dy < 2; dy++)
                        {
                            for (int dx = 0; dx < 2; dx++)
                            {
                                int packedIndex = ((n * (h / 2 * (w / 2))) + r * (w / 2) + col) * 4 * c + ch * 4 + dy * 2 + dx;
                                int latentIndex = ((n * c + ch) * h + 2 * r + dy) * w + 2 * col + dx;
                                Assert.Equal(x[latentIndex], p[packedIndex]);
                            }
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Pack_KontextFixtureLatents_MatchesDiffusersHiddenStates()
    {
        var io = s_kontextIo.Value;
        var target = LatentPacking.Pack(Tensor(io["latents_unpacked_target_noise"]));
        var reference = LatentPacking.Pack(Tensor(io["reference_latents_unpacked"]));

        float[] expected = io["hidden_states"].Values; // cat([packed target, packed reference], dim=1), [1, 32, 16]
        Assert.Equal(expected, target.ToFloatArray().Concat(reference.ToFloatArray()).ToArray());
    }

    [Fact]
    public void Unpack_KontextPipelineFinalLatents_MatchesDiffusersUnpacked()
    {
        var run = FixtureFiles.ReadF32(FixtureFiles.Diffusers("flux_kontext_tiny", "pipeline_run.safetensors"));

        var unpacked = LatentPacking.Unpack(Tensor(run["final_latents_packed"]), 8, 8);

        Assert.Equal(new Shape(1, 4, 8, 8), unpacked.Shape);
        Assert.Equal(run["final_latents_unpacked"].Values, unpacked.ToFloatArray());
    }

    [Fact]
    public void KontextImageIds_FixtureGrid_MatchesDiffusersImgIds()
    {
        var ids = LatentPacking.KontextImageIds(4, 4, 4, 4);

        Assert.Equal(new Shape(32, 3), ids.Shape);
        Assert.Equal(s_kontextIo.Value["img_ids"].Values, ids.ToFloatArray());
    }

    [Fact]
    public void ImageIds_NonSquareGrid_RowsAreIndexRowCol()
    {
        float[] ids = LatentPacking.ImageIds(2, 3, index: 1f).ToFloatArray();

        Assert.Equal([1f, 0, 0, 1, 0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 1, 1, 1, 2], ids);
    }

    [Fact]
    public void Unpack_OfPack_RoundTripsBf16Exactly()
    {
        var latent = RandomTensor(new Shape(1, 5, 6, 2), seed: 3).ConvertTo(DType.BF16);

        var back = LatentPacking.Unpack(LatentPacking.Pack(latent), 6, 2);

        Assert.Equal(DType.BF16, back.DType);
        Assert.Equal(latent.Shape, back.Shape);
        Assert.Equal(latent.Data, back.Data);
    }

    [Fact]
    public void PackGraph_OnCpu_MatchesHostPackAndUnpacks()
    {
        var latent = RandomTensor(new Shape(2, 3, 4, 6), seed: 5);
        var g = new GraphBuilder();
        var input = g.Input("latent", DType.F32, latent.Shape);
        var packed = LatentPacking.Pack(g, input);
        var unpacked = LatentPacking.Unpack(g, packed, 4, 6);
        Executor executor;
        try
        {
            executor = new Executor(g.Build(packed, unpacked), new CpuBackend());
        }
        catch (NotSupportedException e)
        {
            Assert.Skip($"CPU backend lacks a kernel yet: {e.Message}");
            return;
        }
        using (executor)
        {
            executor.SetInput("latent", latent);
            executor.Run(cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(LatentPacking.Pack(latent).ToFloatArray(), executor.Read(packed).ToFloatArray());
            Assert.Equal(latent.ToFloatArray(), executor.Read(unpacked).ToFloatArray());
        }
    }

    [Fact]
    public void Pack_BadShapes_Throw()
    {
        Assert.Throws<ArgumentException>(() => LatentPacking.Pack(new HostTensor(DType.F32, new Shape(1, 4, 3, 4))));
        Assert.Throws<ArgumentException>(() => LatentPacking.Pack(new HostTensor(DType.F32, new Shape(4, 4, 4))));
        var packed = new HostTensor(DType.F32, new Shape(1, 4, 16));
        Assert.Throws<ArgumentException>(() => LatentPacking.Unpack(packed, 4, 6));
        Assert.Throws<ArgumentException>(() => LatentPacking.Unpack(packed, 3, 4));
        Assert.Throws<ArgumentException>(() => LatentPacking.Unpack(new HostTensor(DType.F32, new Shape(1, 4, 6)), 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentPacking.ImageIds(0, 4));
    }

    private static HostTensor Tensor((int[] Shape, float[] Values) t) => HostTensor.FromFloats(new Shape(t.Shape), t.Values);

    private static HostTensor RandomTensor(Shape shape, int seed)
    {
        var random = new Random(seed);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return HostTensor.FromFloats(shape, values);
    }
}
