using Locus.Engine.Graph;
using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Models.Common;
using Locus.Models.Vae;
using Xunit;

namespace Locus.Models.Tests.Vae;

/// <summary>The enumerated state_dict vs diffusers' (fixture file) and vs the FLUX VAE totals of mmdit-spec.md §4.1.</summary>
public sealed class AutoencoderKlParametersTests
{
    [Fact]
    public void Shapes_FixtureConfig_EqualDiffusersStateDict()
    {
        using var weights = WeightStore.Open(VaeFixture.WeightsPath);

        var shapes = AutoencoderKlParameters.Shapes(VaeFixture.Config());

        var expected = weights.Keys.Order(StringComparer.Ordinal).Select(k => $"{k} {weights.ShapeOf(k)}");
        var actual = shapes.Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Shapes_FluxConfig_Has244TensorsAnd83819683Values()
    {
        var shapes = AutoencoderKlParameters.Shapes(AutoencoderKlConfig.Flux);

        Assert.Equal(244, shapes.Count);
        Assert.Equal(83_819_683L, shapes.Sum(p => p.Value.ElementCount));
        Assert.Equal(106, shapes.Count(p => p.Key.StartsWith("encoder.", StringComparison.Ordinal)));
        Assert.Equal(new Shape(32, 512, 3, 3), shapes.Single(p => p.Key == "encoder.conv_out.weight").Value);
    }

    [Fact]
    public void Shapes_QuantConvsEnabled_ListsThem()
    {
        var shapes = AutoencoderKlParameters.Shapes(AutoencoderKlConfig.Flux with { UseQuantConv = true, UsePostQuantConv = true, MidBlockAddAttention = false })
            .ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(new Shape(32, 32, 1, 1), shapes["quant_conv.weight"]);
        Assert.Equal(new Shape(16, 16, 1, 1), shapes["post_quant_conv.weight"]);
        Assert.DoesNotContain(shapes.Keys, k => k.Contains("attentions", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_FluxConfigAt1024_DeclaresEveryParameterWithFluxShapes()
    {
        var catalog = new ShapeCatalog(AutoencoderKlParameters.Shapes(AutoencoderKlConfig.Flux));
        var vae = new AutoencoderKl(AutoencoderKlConfig.Flux, catalog);
        var g = new GraphBuilder();

        var mean = vae.BuildEncodeMean(g, g.Input("image", DType.F32, new Shape(1, 3, 1024, 1024)));
        var image = vae.BuildDecode(g, g.Input("latent", DType.F32, new Shape(1, 16, 128, 128)));

        Assert.Equal(new Shape(1, 16, 128, 128), mean.Shape);
        Assert.Equal(new Shape(1, 3, 1024, 1024), image.Shape);
        Assert.Equal(244, g.Weights.Count);
        Assert.Equal(new Shape(1, 512, 128, 128), g.Nodes.Single(n => n.Name == "encoder.mid_block.resnets.1").Shape);
        Assert.Equal(new Shape(1, 128, 1024, 1024), g.Nodes.Single(n => n.Name == "decoder.up_blocks.3.resnets.2").Shape);
    }

    /// <summary>A catalog answering from a shape list (F32), without data.</summary>
    private sealed class ShapeCatalog(IReadOnlyList<KeyValuePair<string, Shape>> shapes) : IWeightCatalog
    {
        private readonly Dictionary<string, Shape> _shapes = shapes.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        public string Source => "shapes";

        public IEnumerable<string> Keys => _shapes.Keys;

        public bool TryGetInfo(string key, out DType dtype, out Shape shape)
        {
            dtype = DType.F32;
            return _shapes.TryGetValue(key, out shape);
        }
    }
}
