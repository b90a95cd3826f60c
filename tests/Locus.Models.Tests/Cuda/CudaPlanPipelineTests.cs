using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.Editing;
using Locus.Models.Tests.Editing;
using Xunit;

namespace Locus.Models.Tests.Cuda;

/// <summary>
/// Every edit option of `locus edit --device cuda` on the tiny models, in bf16, on a backend that refuses what CUDA's kernel
/// checks refuse and runs the rest on the CPU (<see cref="CudaPlanBackend"/>): each graph the pipeline builds for the option
/// must be one the CUDA backend accepts, and the edit must come out finite (and blended exactly where FlowBlend is on).
/// </summary>
public sealed class CudaPlanPipelineTests(TinyModelFixture kontext) : IClassFixture<TinyModelFixture>, IDisposable
{
    private readonly string _adapter = WriteAdapter(kontext.Root);

    public static TheoryData<string> Options => ["none", "user-blend", "predicted-blend", "attention-blend", "grag", "region-bias", "composite", "no-adapter-capture"];

    [Theory]
    [MemberData(nameof(Options))]
    public void Edit_Kontext_EveryGraphIsCudaAndTheEditIsFinite(string option)
    {
        var half = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5));
        var request = TinyModelFixture.Request(seed: 3, steps: 3);
        request = option switch
        {
            "none" => request,
            "user-blend" => request with { Mask = half, Blend = new BlendOptions() },
            "predicted-blend" => request with { Mask = MaskSource.Predicted, Blend = new BlendOptions() },
            "attention-blend" => request with { Mask = MaskSource.FromAttention([1, 2]), Blend = new BlendOptions(), Capture = new AttentionCaptureSettings { Steps = 2 } },
            "grag" => request with { Grag = new GragSettings(1f, 1.1f) },
            "region-bias" => request with { Mask = half, RegionBias = new RegionBiasSettings() },
            "composite" => request with { Mask = half, Composite = true },
            "no-adapter-capture" => request with { Mask = half, UseAdapter = false, Capture = new AttentionCaptureSettings { Steps = 1 } },
            _ => throw new ArgumentOutOfRangeException(nameof(option)),
        };
        using var backend = new CudaPlanBackend();
        using var pipeline = EditPipeline.Open(kontext.Root, backend, DType.BF16, _adapter);
        var result = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.True(backend.NodesIssued > 0 && backend.LaunchesChecked > 0);
        Assert.All(result.Latents.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(option is "user-blend" or "predicted-blend" or "attention-blend" or "region-bias" or "composite", result.AdapterUsed);
        if (request.Blend is not null)
        {
            BlendAssert.UnmaskedTokensEqualSource(result);
        }
    }

    [Fact]
    public void Edit_QwenTrueCfgUserMaskBlend_EveryGraphIsCudaAndTheEditIsFinite()
    {
        using var qwen = new QwenEditFixture();
        var embeds = TinyQwenEditModel.RandomEmbeddings(6, 21);
        var request = QwenEditFixture.Request(seed: 3) with
        {
            Embeddings = new PromptEmbeddings(embeds.Embeds, embeds.Pooled, embeds.Mask) { Negative = TinyQwenEditModel.RandomEmbeddings(4, 5) },
            TrueCfgScale = 4f,
            Mask = MaskSource.FromTensor(TinyModelFixture.LeftMask(70, 50, 0.5)),
            Blend = new BlendOptions(),
            Grag = new GragSettings(1f, 1.1f),
        };
        using var backend = new CudaPlanBackend();
        using var pipeline = EditPipeline.Open(qwen.Root, backend, DType.BF16);
        var result = pipeline.Edit(request, null, TestContext.Current.CancellationToken);
        Assert.All(result.Latents.ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        BlendAssert.UnmaskedTokensEqualSource(result);
    }

    public void Dispose() => Directory.Delete(_adapter, recursive: true);

    private static string WriteAdapter(string modelRoot)
    {
        string dir = Path.Combine(Path.GetTempPath(), "locus-cuda-plan-adapter-" + Guid.NewGuid().ToString("N"));
        RegionAdapterFiles.WriteRandom(RegionAdapterFiles.ForBackbone(modelRoot) with { Threshold = 0.5f, Dilation = 1 }, dir, seed: 5, DType.F32);
        return dir;
    }
}
