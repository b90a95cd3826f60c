using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Editing;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>
/// The engine's T = 1 Qwen-Image VAE (f32, CPU) against the float64 3-D oracle on random 5-D checkpoints. There is no
/// diffusers fixture for this VAE; the oracle follows diffusers' module structure and uses every temporal tap.
/// </summary>
public sealed class QwenImageVaeOracleTests
{
    // f32 engine vs f64 oracle: max |ours − ref| ≤ 1e-4 · max |ref|.
    private const double Rtol = 1e-4;

    [Theory]
    [InlineData(2, false, false)]
    [InlineData(1, true, false)]
    [InlineData(1, true, true)]
    public void EncodeMean_RandomCheckpoint_MatchesFloat64Oracle(int numResBlocks, bool encoderAttention, bool matMulAttention)
    {
        // encoderAttention: attn_scales [1.0, 0.25] puts attention blocks into the flat down_blocks list (shifting the
        // indices of every later module) at the full and the quarter resolution.
        var config = QwenImageVaeTestData.Tiny(numResBlocks, encoderAttention ? [1.0, 0.25] : null, encoderAttention ? [true, false, true] : null);
        var tensors = QwenImageVaeTestData.RandomWeights(config, seed: 3 + numResBlocks);
        string path = QwenImageVaeTestData.WriteTemp(tensors);
        try
        {
            var image = SeededNoise.Normal(new Shape(1, 3, 32, 24), 77);
            using var weights = QwenImageVaeWeights.Open(path);
            var vae = new QwenImageVae(config, weights) { MatMulAttention = matMulAttention };
            var g = new GraphBuilder();
            var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, image.Shape));
            Assert.Equal(new Shape(1, 4, 4, 3), mean.Shape);

            float[] ours = QwenImageVaeTestData.Run(weights, g, [mean], new Dictionary<string, HostTensor> { ["image"] = image })[0];

            var oracle = new QwenImageVaeOracle(config, tensors);
            double[] expected = oracle.EncodeMean(QwenImageVaeTestData.ToClip(image)).D;
            double err = QwenImageVaeTestData.RelativeError(expected, ours);
            TestContext.Current.TestOutputHelper?.WriteLine($"encode mean rel err {err:E3}");
            Assert.True(err <= Rtol, $"encode mean: max rel err {err:E3} > {Rtol:E1}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_RandomCheckpoint_MatchesFloat64OracleClampedAndUnclamped(bool matMulAttention)
    {
        var config = QwenImageVaeTestData.Tiny();
        // conv_out ×2 so that part of the unclamped output leaves [−1, 1] and the clamp is exercised.
        var tensors = QwenImageVaeTestData.RandomWeights(config, seed: 11, convOutGain: 2f);
        string path = QwenImageVaeTestData.WriteTemp(tensors);
        try
        {
            var latent = SeededNoise.Normal(new Shape(1, 4, 3, 4), 5);
            using var weights = QwenImageVaeWeights.Open(path);
            var vae = new QwenImageVae(config, weights) { MatMulAttention = matMulAttention };
            var g = new GraphBuilder();
            var z = g.Input("latent", DType.F32, latent.Shape);
            var clamped = vae.BuildDecode(g, z);
            var raw = vae.BuildDecode(g, z, clamp: false);
            Assert.Equal(new Shape(1, 3, 24, 32), clamped.Shape);

            var ours = QwenImageVaeTestData.Run(weights, g, [clamped, raw], new Dictionary<string, HostTensor> { ["latent"] = latent });

            var oracle = new QwenImageVaeOracle(config, tensors);
            double[] expectedRaw = oracle.Decode(QwenImageVaeTestData.ToClip(latent), clamp: false).D;
            double[] expectedClamped = oracle.Decode(QwenImageVaeTestData.ToClip(latent), clamp: true).D;
            int outside = expectedRaw.Count(v => Math.Abs(v) > 1.0);
            Assert.True(outside > 0 && outside < expectedRaw.Length, $"{outside} of {expectedRaw.Length} oracle values outside [−1, 1]: the clamp is not exercised");
            double errRaw = QwenImageVaeTestData.RelativeError(expectedRaw, ours[1]);
            double errClamped = QwenImageVaeTestData.RelativeError(expectedClamped, ours[0]);
            TestContext.Current.TestOutputHelper?.WriteLine($"decode rel err raw {errRaw:E3}, clamped {errClamped:E3}; {outside}/{expectedRaw.Length} clamped");
            Assert.True(errRaw <= Rtol, $"decode (unclamped): max rel err {errRaw:E3} > {Rtol:E1}");
            Assert.True(errClamped <= Rtol, $"decode (clamped): max rel err {errClamped:E3} > {Rtol:E1}");
            Assert.All(ours[0], v => Assert.InRange(v, -1f, 1f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Oracle_RandomCheckpoint_ReadsEveryTensorIncludingTimeConv()
    {
        // The name list the engine writes (QwenImageVaeParameters) is exactly what diffusers' modules read: every tensor is
        // read by the oracle (which asserts each shape), none is left over.
        var config = QwenImageVaeTestData.Tiny(1);
        var tensors = QwenImageVaeTestData.RandomWeights(config, seed: 1);
        var oracle = new QwenImageVaeOracle(config, tensors);
        var mean = oracle.EncodeMean(new QwenImageVaeOracle.Clip(3, 1, 8, 8, new double[3 * 64]));
        oracle.Decode(mean, clamp: true);
        Assert.Empty(tensors.Keys.Except(oracle.Used));
        Assert.Contains("encoder.down_blocks.5.time_conv.weight", oracle.Used);
        Assert.Contains("decoder.up_blocks.0.upsamplers.0.time_conv.weight", oracle.Used);
    }
}
