using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>ConditionEncoder against Eq. 3–5 evaluated in double (HostOracle).</summary>
public sealed class ConditionEncoderTests
{
    [Fact]
    public void Build_RandomWeights_MatchesDoubleOracle()
    {
        using var fx = new AdapterFixture();
        var cfg = fx.Config;
        int d = cfg.HiddenSize, nq = cfg.InstructionTokens, nm = cfg.MaskGrid * cfg.MaskGrid, nc = cfg.ConditionTokens, ntxt = 3;
        var rng = new Random(11);
        var mask = new float[16];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = (i * 7 % 5) / 4f;
        }
        var text = AdapterFixture.Random(rng, ntxt * cfg.TextFeatures, 1.0);
        var g = new GraphBuilder();
        var result = ConditionEncoder.Build(fx.Root(g), cfg, g.Input("mask", DType.F32, new Shape(1, 1, 4, 4)),
            g.Input("text", DType.F32, new Shape(1, ntxt, cfg.TextFeatures)), g.Input("pe", DType.F32, new Shape(nc, d)));
        var got = fx.Run(g, [result.Condition, result.Instruction], new Dictionary<string, HostTensor>
        {
            ["mask"] = HostTensor.FromFloats(new Shape(1, 1, 4, 4), mask),
            ["text"] = HostTensor.FromFloats(new Shape(1, ntxt, cfg.TextFeatures), text),
            ["pe"] = HostTensor.FromFloats(new Shape(nc, d), ConditionEncoder.SinusoidalTable(nc, d)),
        });

        var o = new HostOracle(fx.Values);
        string p = "region_adapter.condition_encoder";
        var e = o.W(p + ".mask_embed.edit");
        var k = o.W(p + ".mask_embed.keep");
        var tau = o.W(p + ".type_embed");
        var x = new double[nc * d];
        for (int i = 0; i < nm; i++)
        {
            int gy = i / 2, gx = i % 2;
            double m = (mask[(2 * gy * 4) + (2 * gx)] + mask[(2 * gy * 4) + (2 * gx) + 1] + mask[(((2 * gy) + 1) * 4) + (2 * gx)] + mask[(((2 * gy) + 1) * 4) + (2 * gx) + 1]) / 4;
            for (int c = 0; c < d; c++)
            {
                x[(i * d) + c] = (m * e[c]) + ((1 - m) * k[c]) + tau[c];
            }
        }
        var proj = o.Linear(p + ".text_proj", text.Select(v => (double)v).ToArray(), ntxt, cfg.TextFeatures, d);
        var queries = o.W(p + ".perceiver.queries");
        var att = o.Attention(p + ".perceiver.attn", o.Norm(p + ".perceiver.norm_q", queries, nq, d), nq, o.Norm(p + ".perceiver.norm_kv", proj, ntxt, d), ntxt, d, cfg.Heads);
        var inst = HostOracle.Add(queries, att);
        for (int i = 0; i < nq; i++)
        {
            for (int c = 0; c < d; c++)
            {
                x[((nm + i) * d) + c] = inst[(i * d) + c] + tau[d + c];
            }
        }
        for (int pos = 0; pos < nc; pos++)
        {
            for (int c = 0; c < d / 2; c++)
            {
                double angle = pos * Math.Pow(10000.0, -(double)c / (d / 2));
                x[(pos * d) + c] += Math.Sin(angle);
                x[(pos * d) + (d / 2) + c] += Math.Cos(angle);
            }
        }
        string l = p + ".fusion.layers.0";
        var h = o.Norm(l + ".norm1", x, nc, d);
        x = HostOracle.Add(x, o.Attention(l + ".attn", h, nc, h, nc, d, cfg.Heads));
        x = HostOracle.Add(x, o.FeedForward(l + ".ff", o.Norm(l + ".norm2", x, nc, d), nc, d, 4 * d));
        var want = o.Norm(p + ".fusion.norm_out", x, nc, d);

        for (int i = 0; i < inst.Length; i++)
        {
            Assert.Equal(inst[i], got[1][i], 1e-4);
        }
        for (int i = 0; i < want.Length; i++)
        {
            Assert.Equal(want[i], got[0][i], 1e-4);
        }
    }

    [Fact]
    public void Build_TextWidthMismatch_ThrowsNamingTextAndShapes()
    {
        using var fx = new AdapterFixture();
        var g = new GraphBuilder();
        var e = Assert.Throws<ArgumentException>(() => ConditionEncoder.Build(fx.Root(g), fx.Config, g.Input("mask", DType.F32, new Shape(1, 1, 4, 4)),
            g.Input("text", DType.F32, new Shape(1, 3, 7)), g.Input("pe", DType.F32, new Shape(fx.Config.ConditionTokens, fx.Config.HiddenSize))));
        Assert.Contains("'text'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 3, 7]", e.Message, StringComparison.Ordinal);
        Assert.Contains("5]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SinusoidalTable_OddDim_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionEncoder.SinusoidalTable(4, 7));
}
