using Locus.Models.Editing;
using Xunit;

namespace Locus.Models.Tests.Editing;

public sealed class SizePolicyTests
{
    [Theory]
    [InlineData(1024, 1024, 1024, 1024)]   // ratio 1 → (1024, 1024)
    [InlineData(1600, 1200, 1184, 880)]    // 1.333: 1184/880 = 1.345 is closest (1104/944 = 1.169, 1248/832 = 1.5)
    [InlineData(1200, 1600, 880, 1184)]
    [InlineData(4000, 1000, 1568, 672)]    // 4.0: the widest entry (2.333)
    [InlineData(1920, 1080, 1392, 752)]    // 1.778: 1392/752 = 1.851 (diff 0.073) beats 1328/800 = 1.66 (diff 0.118)
    public void KontextPreferred_PicksTheClosestAspectRatio(int w, int h, int ew, int eh)
    {
        Assert.Equal((ew, eh), SizePolicy.KontextPreferred.Resolve(w, h, 16));
    }

    [Theory]
    [InlineData(1920, 1080, 1376, 768)]    // √(1024²·16/9) = 1365.3 → 42.67·32 → 1376; 768 exactly
    [InlineData(1000, 1000, 1024, 1024)]
    [InlineData(800, 1200, 832, 1248)]     // √(1024²·2/3) = 836.1 → 26.13 → 832; 1254.1 → 39.19 → 1248
    public void Area_QwenCalculateDimensions(int w, int h, int ew, int eh)
    {
        Assert.Equal((ew, eh), SizePolicy.Area().Resolve(w, h, 16));
    }

    [Fact]
    public void NearestMultiple_And_Exact()
    {
        Assert.Equal((64, 48), SizePolicy.NearestMultiple.Resolve(70, 50, 16));
        Assert.Equal((512, 256), SizePolicy.Exact(512, 256).Resolve(70, 50, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => SizePolicy.Exact(500, 256));
        Assert.Throws<ArgumentException>(() => SizePolicy.Exact(48, 48).Resolve(70, 50, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => SizePolicy.Area(10));
    }

    [Fact]
    public void Edit_ExactSize_OutputHasThatSizeAndTheMaskFollows()
    {
        using var fixture = new TinyModelFixture();
        var request = TinyModelFixture.Request() with
        {
            Size = SizePolicy.Exact(96, 32),
            Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)),
        };
        var result = fixture.Pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.Equal((96, 32), (result.Image.Width, result.Image.Height));
        Assert.Equal(new Engine.Tensors.Shape(4, 12), result.TokenMask!.Shape);   // 96/8 × 32/8 tokens; left half edited
        var m = result.TokenMask.ToFloatArray();
        Assert.Equal(1f, m[0]);
        Assert.Equal(0f, m[11]);
    }
}
