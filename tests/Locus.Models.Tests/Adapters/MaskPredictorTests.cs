using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>MaskPredictor: logits vs a double oracle, binary dilated mask on the latent grid, and the predicted mask feeding the gate.</summary>
public sealed class MaskPredictorTests
{
    [Fact]
    public void Build_LatentGridEqualsQueryGrid_LogitsMatchDoubleOracle()
    {
        using var fx = new AdapterFixture();
        var cfg = fx.Config;
        int d = cfg.HiddenSize, dm = cfg.PredictorDim, pg = cfg.PredictorGrid, np = pg * pg, nq = cfg.InstructionTokens, cl = cfg.LatentChannels;
        var rng = new Random(13);
        var inst = AdapterFixture.Random(rng, nq * d, 1.0);
        var latent = AdapterFixture.Random(rng, np * cl, 1.0);
        var g = new GraphBuilder();
        var r = MaskPredictor.Build(fx.Root(g), cfg, g.Input("inst", DType.F32, new Shape(1, nq, d)), g.Input("z", DType.F32, new Shape(1, np, cl)), pg, pg);
        var got = fx.Run(g, [r.Logits], new Dictionary<string, HostTensor>
        {
            ["inst"] = HostTensor.FromFloats(new Shape(1, nq, d), inst),
            ["z"] = HostTensor.FromFloats(new Shape(1, np, cl), latent),
        })[0];

        var o = new HostOracle(fx.Values);
        string p = "region_adapter.mask_predictor";
        var pooled = new double[d];
        for (int i = 0; i < nq; i++)
        {
            for (int c = 0; c < d; c++)
            {
                pooled[c] += inst[(i * d) + c] / (double)nq;
            }
        }
        var film = o.Linear(p + ".film", pooled, 1, d, 2 * dm);
        var qm = o.W(p + ".queries");
        var q = new double[np * dm];
        for (int i = 0; i < np; i++)
        {
            for (int c = 0; c < dm; c++)
            {
                q[(i * dm) + c] = (film[c] * qm[(i * dm) + c]) + film[dm + c];
            }
        }
        var phi = o.Linear(p + ".latent_proj", latent.Select(v => (double)v).ToArray(), np, cl, dm);
        var a = o.Attention(p + ".attn", q, np, phi, np, dm, cfg.PredictorHeads);  // [N_p, D_m]
        var w1 = o.W(p + ".head.conv1.weight");
        var b1 = o.W(p + ".head.conv1.bias");
        var w2 = o.W(p + ".head.conv2.weight");
        double b2 = o.W(p + ".head.conv2.bias")[0];
        int dh = dm / 2;
        for (int y = 0; y < pg; y++)
        {
            for (int x = 0; x < pg; x++)
            {
                double logit = b2;
                for (int oc = 0; oc < dh; oc++)
                {
                    double s = b1[oc];
                    for (int ic = 0; ic < dm; ic++)
                    {
                        for (int ky = 0; ky < 3; ky++)
                        {
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int yy = y + ky - 1, xx = x + kx - 1;
                                if (yy >= 0 && yy < pg && xx >= 0 && xx < pg)
                                {
                                    s += w1[(((oc * dm) + ic) * 9) + (ky * 3) + kx] * a[(((yy * pg) + xx) * dm) + ic];
                                }
                            }
                        }
                    }
                    logit += w2[oc] * HostOracle.Silu(s);
                }
                Assert.Equal(logit, got[(y * pg) + x], 1e-4);
            }
        }
    }

    [Fact]
    public void Build_UpsampledGrid_MaskIsBinaryDilatedThresholdOfLogits()
    {
        using var fx = new AdapterFixture();
        var cfg = fx.Config;
        const int hl = 8, wl = 6;
        var (logits, mask, _, _) = RunPredictor(fx, hl, wl, seed: 17);
        Assert.Equal(hl * wl, mask.Length);
        Assert.All(mask, v => Assert.True(v is 0f or 1f, $"mask value {v} is not binary"));
        // Oracle: σ(logit) ≥ 0.5 ⟺ logit ≥ 0, then a square dilation of radius r.
        int r = cfg.Dilation;
        for (int y = 0; y < hl; y++)
        {
            for (int x = 0; x < wl; x++)
            {
                bool set = false;
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(hl - 1, y + r); yy++)
                {
                    for (int xx = Math.Max(0, x - r); xx <= Math.Min(wl - 1, x + r); xx++)
                    {
                        set |= logits[(yy * wl) + xx] >= 0f;
                    }
                }
                Assert.Equal(set ? 1f : 0f, mask[(y * wl) + x]);
            }
        }
    }

    [Fact]
    public void Build_PredictedMask_FeedsTheGateLikeAUserMask()
    {
        using var fx = new AdapterFixture(AdapterFixture.Tiny with { Dilation = 0 });
        const int hl = 4, wl = 4;
        var (_, mask, predictedGate, userGate) = RunPredictor(fx, hl, wl, seed: 19);
        Assert.Contains(mask, v => v == 1f);
        Assert.Contains(mask, v => v == 0f);
        Assert.Equal(userGate, predictedGate);
    }

    /// <summary>Predictor on a [hl, wl] grid; returns logits, mask, the gate driven by the predicted mask and by the same mask as a user input.</summary>
    private static (float[] Logits, float[] Mask, float[] PredictedGate, float[] UserGate) RunPredictor(AdapterFixture fx, int hl, int wl, int seed)
    {
        var cfg = fx.Config;
        int d = cfg.HiddenSize, nq = cfg.InstructionTokens, cl = cfg.LatentChannels, l = hl * wl;
        var rng = new Random(seed);
        var inst = AdapterFixture.Random(rng, nq * d, 1.0);
        var latent = AdapterFixture.Random(rng, l * cl, 1.0);
        var g = new GraphBuilder();
        var root = fx.Root(g);
        var r = MaskPredictor.Build(root, cfg, g.Input("inst", DType.F32, new Shape(1, nq, d)), g.Input("z", DType.F32, new Shape(1, l, cl)), hl, wl);
        var predicted = BlockAdapter.Gate(root, cfg, 0, g.Reshape(r.Mask, new(1, l, 1), "mask.tokens"));
        var inputs = new Dictionary<string, HostTensor>
        {
            ["inst"] = HostTensor.FromFloats(new Shape(1, nq, d), inst),
            ["z"] = HostTensor.FromFloats(new Shape(1, l, cl), latent),
        };
        var got = fx.Run(g, [r.Logits, r.Mask, predicted], inputs);

        var g2 = new GraphBuilder();
        var user = BlockAdapter.Gate(fx.Root(g2), cfg, 0, g2.Input("mask", DType.F32, new Shape(1, l, 1)));
        var userGate = fx.Run(g2, [user], new Dictionary<string, HostTensor> { ["mask"] = HostTensor.FromFloats(new Shape(1, l, 1), got[1]) })[0];
        return (got[0], got[1], got[2], userGate);
    }
}
