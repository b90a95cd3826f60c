using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Xunit;

namespace Locus.Models.Tests.Adapters;

/// <summary>BlockAdapter + SpatialGate against the formulas evaluated in double (HostOracle).</summary>
public sealed class BlockAdapterTests
{
    private const int L = 5, Nc = 4;

    [Fact]
    public void Apply_RandomWeights_MatchesDoubleOracle()
    {
        using var fx = new AdapterFixture();
        var cfg = fx.Config;
        int d = cfg.HiddenSize;
        var rng = new Random(3);
        var h0 = AdapterFixture.Random(rng, L * d, 1.0);
        var c = AdapterFixture.Random(rng, Nc * d, 1.0);
        float[] mask = [0f, 0.25f, 1f, 0.5f, 1f];

        var g = new GraphBuilder();
        var root = fx.Root(g);
        var gate = BlockAdapter.Gate(root, cfg, 0, g.Input("mask", DType.F32, new Shape(1, L, 1)));
        var h = BlockAdapter.Apply(root, cfg, 0, g.Input("h0", DType.F32, new Shape(1, L, d)), g.Input("c", DType.F32, new Shape(1, Nc, d)), gate);
        var got = fx.Run(g, [h, gate], Inputs(h0, c, mask, d));

        var o = new HostOracle(fx.Values);
        string p = "region_adapter.blocks.0";
        var hd = h0.Select(v => (double)v).ToArray();
        var u = o.Norm(p + ".norm", o.Attention(p + ".attn", hd, L, c.Select(v => (double)v).ToArray(), Nc, d, cfg.Heads), L, d);
        var y = o.FeedForward(p + ".ff", u, L, d, cfg.FfnDim);
        var gw = o.Gate(p + ".gate", mask.Select(v => (double)v).ToArray(), cfg.GateDim);
        for (int i = 0; i < L; i++)
        {
            Assert.Equal(gw[i], got[1][i], 1e-5);
            for (int k = 0; k < d; k++)
            {
                Assert.Equal(hd[(i * d) + k] + (gw[i] * y[(i * d) + k]), got[0][(i * d) + k], 1e-4);
            }
        }
    }

    [Fact]
    public void Apply_GateDrivenToZero_ReturnsInputBitForBit()
    {
        // fc2 weight 0 and bias −1e4: σ underflows to exactly 0, so h = h0 + 0·y = h0 bit for bit.
        using var fx = new AdapterFixture();
        fx.Values["region_adapter.blocks.0.gate.mlp.fc2.weight"] = new float[fx.Config.GateDim];
        fx.Values["region_adapter.blocks.0.gate.mlp.fc2.bias"] = [-1e4f];
        using var zeroed = Rewrite(fx);
        int d = fx.Config.HiddenSize;
        var rng = new Random(5);
        var h0 = AdapterFixture.Random(rng, L * d, 1.0);
        var c = AdapterFixture.Random(rng, Nc * d, 1.0);
        var g = new GraphBuilder();
        var root = zeroed.Root(g);
        var gate = BlockAdapter.Gate(root, zeroed.Config, 0, g.Input("mask", DType.F32, new Shape(1, L, 1)));
        var h = BlockAdapter.Apply(root, zeroed.Config, 0, g.Input("h0", DType.F32, new Shape(1, L, d)), g.Input("c", DType.F32, new Shape(1, Nc, d)), gate);
        var got = zeroed.Run(g, [h], Inputs(h0, c, [1f, 1f, 1f, 1f, 1f], d));
        Assert.Equal(h0, got[0]);
    }

    [Fact]
    public void Apply_WrongConditionWidth_ThrowsNamingInput()
    {
        using var fx = new AdapterFixture();
        var g = new GraphBuilder();
        var root = fx.Root(g);
        int d = fx.Config.HiddenSize;
        var gate = g.Input("gate", DType.F32, new Shape(1, L, 1));
        var e = Assert.Throws<ArgumentException>(() =>
            BlockAdapter.Apply(root, fx.Config, 0, g.Input("h0", DType.F32, new Shape(1, L, d)), g.Input("c", DType.F32, new Shape(1, Nc, d + 1)), gate));
        Assert.Contains("'condition'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 9]", e.Message, StringComparison.Ordinal);
    }

    internal static AdapterFixture Rewrite(AdapterFixture fx) => new(fx.Config, fx.Values);

    private static Dictionary<string, HostTensor> Inputs(float[] h0, float[] c, float[] mask, int d) => new()
    {
        ["h0"] = HostTensor.FromFloats(new Shape(1, L, d), h0),
        ["c"] = HostTensor.FromFloats(new Shape(1, Nc, d), c),
        ["mask"] = HostTensor.FromFloats(new Shape(1, L, 1), mask),
    };
}
