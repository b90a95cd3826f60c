using Locus.Engine.IO;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.MmDit;
using Locus.Models.Pipelines;
using Locus.Models.Scheduling;
using Xunit;

namespace Locus.Models.Tests.MmDit;

public sealed class KontextPipelineRunTests
{
    /// <summary>FluxKontextPipeline.__call__ (output_type="latent", 3 steps, guidance 3.5) in latent space, as in CASE.json/pipeline_run.</summary>
    [Fact]
    public void Denoise_ThreeSteps_MatchesDiffusersPipelineRun()
    {
        var run = ModelFixtures.Load(ModelFixtures.Flux("pipeline_run.safetensors"));
        var config = FluxTransformerTests.Config();
        var reference = LatentPacking.Pack(run["image_reference_latents"]);                  // [1, 16, 16]
        var latents = run["latents_init_packed"].ToFloatArray();                             // [1, 16, 16]
        int nt = 16, nr = reference.Shape[1], c = reference.Shape[2];
        var (cos, sin) = RopeTables.Flux(new HostTensor(DType.F32, new Shape(7, 3)), LatentPacking.KontextImageIds(4, 4, 4, 4), config.AxesDimsRope);
        var schedule = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.FluxKontext).CreateSchedule(3, nt);
        Assert.Equal(0.459375, schedule.Mu!.Value, 6);
        var seq = new SequenceLayout(1, 7, nt, nr);
        using var store = WeightStore.Open(ModelFixtures.Flux("weights.safetensors"));
        using var backend = new CpuBackend();
        using var session = TransformerSession.Flux(config, store, seq, backend, DType.F32);
        var inputs = new Dictionary<string, HostTensor>
        {
            ["encoder_hidden_states"] = run["prompt_embeds"],
            ["pooled_projections"] = run["pooled_prompt_embeds"],
            ["guidance"] = HostTensor.FromFloats(new Shape(1), [3.5f]),
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        var refValues = reference.ToFloatArray();
        for (int i = 0; i < schedule.StepCount; i++)
        {
            inputs["hidden_states"] = HostTensor.FromFloats(new Shape(1, nt + nr, c), latents.Concat(refValues).ToArray());
            inputs["timestep"] = HostTensor.FromFloats(new Shape(1), [schedule.Timesteps[i] / 1000f]);
            var sample = session.Run(inputs, null, TestContext.Current.CancellationToken);
            var noisePred = ModelFixtures.Tokens(sample, 0, nt);                              // target tokens only
            double e = ModelFixtures.RelError(noisePred, run[$"step{i}.noise_pred"]);
            Assert.True(e <= 5e-5, $"step {i} noise_pred rel err {e:E3}");
            schedule.Step(i, latents, noisePred.ToFloatArray(), latents);
            e = ModelFixtures.RelError(HostTensor.FromFloats(new Shape(1, nt, c), latents), run[$"step{i}.latents_after"]);
            Assert.True(e <= 5e-5, $"step {i} latents rel err {e:E3}");
        }
        double final = ModelFixtures.RelError(HostTensor.FromFloats(new Shape(1, nt, c), latents), run["final_latents_packed"]);
        Assert.True(final <= 5e-5, $"final latents rel err {final:E3}");
    }
}
