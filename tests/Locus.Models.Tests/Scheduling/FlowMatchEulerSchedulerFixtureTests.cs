using System.Text.Json;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;
using Locus.Models.Scheduling;
using Xunit;

namespace Locus.Models.Tests.Scheduling;

/// <summary>The scheduler against diffusers v0.40.0 (tests/fixtures/diffusers/scheduler_flow_match).</summary>
public sealed class FlowMatchEulerSchedulerFixtureTests
{
    // Tolerances from tests/fixtures/diffusers/README.md (Scheduler): sigmas atol 1e-6, timesteps 1e-3, Euler 1e-6.
    private const double SigmaTolerance = 1e-6;
    private const double TimestepTolerance = 1e-3;
    private const double EulerTolerance = 1e-6;

    private static readonly Lazy<JsonDocument> s_schedules = new(() =>
        JsonDocument.Parse(File.ReadAllText(FixtureFiles.Diffusers("scheduler_flow_match", "schedules.json"))));

    private static readonly Lazy<Dictionary<string, (int[] Shape, float[] Values)>> s_io = new(() =>
        FixtureFiles.ReadF32(FixtureFiles.Diffusers("scheduler_flow_match", "io.safetensors")));

    public static TheoryData<string, int, int> Entries()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string config in (string[])["flux_kontext", "qwen_image"])
        {
            foreach (int seq in (int[])[256, 1024, 4096])
            {
                foreach (int steps in (int[])[4, 28])
                {
                    data.Add(config, seq, steps);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void CreateSchedule_FixtureEntry_MatchesDiffusersSigmasTimestepsAndMu(string config, int seqLen, int steps)
    {
        var entry = FindEntry(config, seqLen, steps);
        var schedule = new FlowMatchEulerScheduler(ConfigFor(config)).CreateSchedule(steps, seqLen);

        Assert.Equal(entry.GetProperty("mu").GetDouble(), schedule.Mu!.Value, 12);
        float[] sigmas = Floats(entry, "sigmas");
        float[] timesteps = Floats(entry, "timesteps");
        Assert.Equal(sigmas.Length, schedule.Sigmas.Length);
        Assert.Equal(timesteps.Length, schedule.Timesteps.Length);
        for (int i = 0; i < sigmas.Length; i++)
        {
            Assert.True(Math.Abs(schedule.Sigmas[i] - sigmas[i]) <= SigmaTolerance, $"sigma[{i}] {schedule.Sigmas[i]:R} vs {sigmas[i]:R}");
        }
        for (int i = 0; i < timesteps.Length; i++)
        {
            Assert.True(Math.Abs(schedule.Timesteps[i] - timesteps[i]) <= TimestepTolerance, $"t[{i}] {schedule.Timesteps[i]:R} vs {timesteps[i]:R}");
        }
        // The safetensors copy of the same arrays.
        string prefix = $"{config}.seq{seqLen}.steps{steps}";
        Assert.Equal(s_io.Value[prefix + ".sigmas"].Values, sigmas);
        Assert.Equal(s_io.Value[prefix + ".timesteps"].Values, timesteps);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void CreateSchedule_FixtureEntry_IsBitExactInFloat32(string config, int seqLen, int steps)
    {
        var entry = FindEntry(config, seqLen, steps);
        var schedule = new FlowMatchEulerScheduler(ConfigFor(config)).CreateSchedule(steps, seqLen);

        Assert.Equal(Floats(entry, "sigmas"), schedule.Sigmas.ToArray());
        Assert.Equal(Floats(entry, "timesteps"), schedule.Timesteps.ToArray());
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Step_FixtureEulerSteps_MatchPrevSample(string config, int seqLen, int steps)
    {
        var schedule = new FlowMatchEulerScheduler(ConfigFor(config)).CreateSchedule(steps, seqLen);
        float[] sample = s_io.Value["sample"].Values;
        float[] velocity = s_io.Value["model_output"].Values;
        var destination = new float[sample.Length];
        int checkedSteps = 0;
        foreach (int i in (int[])[0, steps / 2, steps - 1])
        {
            float[] expected = s_io.Value[$"{config}.seq{seqLen}.steps{steps}.step{i}.prev_sample"].Values;
            schedule.Step(i, sample, velocity, destination);
            for (int e = 0; e < expected.Length; e++)
            {
                Assert.True(Math.Abs(destination[e] - expected[e]) <= EulerTolerance, $"step {i} element {e}: {destination[e]:R} vs {expected[e]:R}");
            }
            checkedSteps++;
        }
        Assert.Equal(3, checkedSteps);
    }

    [Theory]
    [InlineData("flux_kontext", 4096, 28)]
    [InlineData("qwen_image", 1024, 4)]
    public void EulerStepGraph_OnCpu_MatchesPrevSample(string config, int seqLen, int steps)
    {
        var schedule = new FlowMatchEulerScheduler(ConfigFor(config)).CreateSchedule(steps, seqLen);
        var shape = new Shape(1, 16, 16);
        var g = new GraphBuilder();
        var next = FlowMatchEulerStep.Build(g, g.Input("sample", DType.F32, shape), g.Input("velocity", DType.F32, shape), g.Input("dt", DType.F32, new Shape(1)));
        using var executor = new Executor(g.Build(next), new CpuBackend());
        executor.SetInput("sample", HostTensor.FromFloats(shape, s_io.Value["sample"].Values));
        executor.SetInput("velocity", HostTensor.FromFloats(shape, s_io.Value["model_output"].Values));
        foreach (int i in (int[])[0, steps / 2, steps - 1])
        {
            executor.SetInput("dt", HostTensor.FromFloats(new Shape(1), [schedule.StepSize(i)]));
            executor.Run(cancellationToken: TestContext.Current.CancellationToken);

            float[] expected = s_io.Value[$"{config}.seq{seqLen}.steps{steps}.step{i}.prev_sample"].Values;
            float[] actual = executor.Read(next).ToFloatArray();
            float[] host = FlowMatchEulerStep.Apply(schedule, i, HostTensor.FromFloats(shape, s_io.Value["sample"].Values), HostTensor.FromFloats(shape, s_io.Value["model_output"].Values)).ToFloatArray();
            for (int e = 0; e < expected.Length; e++)
            {
                Assert.True(Math.Abs(actual[e] - expected[e]) <= EulerTolerance, $"graph step {i} element {e}: {actual[e]:R} vs {expected[e]:R}");
                Assert.True(Math.Abs(host[e] - expected[e]) <= EulerTolerance, $"host step {i} element {e}: {host[e]:R} vs {expected[e]:R}");
            }
        }
    }

    [Fact]
    public void CreateSchedule_Kontext28Steps4096Tokens_MatchesSpecTestVector()
    {
        // mmdit-spec.md §2.3 test vector (6 decimals, so ±1e-6), independent of the fixture files.
        double[] expected = [1.000000, 0.988409, 0.976222, 0.963394, 0.949873, 0.935599, 0.920509, 0.904531, 0.887583, 0.869576,
            0.850406, 0.829956, 0.808095, 0.784672, 0.759511, 0.732413, 0.703145, 0.671435, 0.636965, 0.599357, 0.558163, 0.512844,
            0.462748, 0.407078, 0.344849, 0.274828, 0.195455, 0.104721, 0];
        var schedule = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.FluxKontext).CreateSchedule(28, 4096);

        Assert.Equal(1.15, schedule.Mu!.Value, 12);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(schedule.Sigmas[i] - expected[i]) <= 1e-6, $"sigma[{i}] {schedule.Sigmas[i]} vs {expected[i]}");
        }
    }

    private static FlowMatchSchedulerConfig ConfigFor(string name)
    {
        // Loaded from the fixture's exact diffusers config dicts, which also tests FromJsonText.
        var root = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Diffusers("scheduler_flow_match", "CASE.json"))).RootElement;
        var loaded = FlowMatchSchedulerConfig.FromJsonText(root.GetProperty("configs").GetProperty(name).GetRawText(), name);
        Assert.Equal(name == "flux_kontext" ? FlowMatchSchedulerConfig.FluxKontext : FlowMatchSchedulerConfig.QwenImage, loaded);
        return loaded;
    }

    private static JsonElement FindEntry(string config, int seqLen, int steps) =>
        s_schedules.Value.RootElement.GetProperty("entries").EnumerateArray().Single(e =>
            e.GetProperty("config").GetString() == config
            && e.GetProperty("image_seq_len").GetInt32() == seqLen
            && e.GetProperty("num_inference_steps").GetInt32() == steps);

    private static float[] Floats(JsonElement entry, string key) =>
        entry.GetProperty(key).EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
