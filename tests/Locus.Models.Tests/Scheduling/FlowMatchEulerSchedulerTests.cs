using Locus.Engine.IO;
using Locus.Models.Scheduling;
using Xunit;

namespace Locus.Models.Tests.Scheduling;

/// <summary>Scheduler paths the fixture does not cover (static and linear shift, config parsing, argument errors),
/// checked against the formulas evaluated in double.</summary>
public sealed class FlowMatchEulerSchedulerTests
{
    // float32 evaluation vs a double formula: a few ulps of values ≤ 1.
    private const double FloatTolerance = 1e-6;

    [Fact]
    public void CreateSchedule_StaticShift_MatchesDoubleFormula()
    {
        var config = new FlowMatchSchedulerConfig { Shift = 3.0 };
        var schedule = new FlowMatchEulerScheduler(config).CreateSchedule(10, imageSeqLen: 4096);

        Assert.Null(schedule.Mu);
        for (int i = 0; i < 10; i++)
        {
            double s = 1.0 - i * (1.0 - 0.1) / 9;
            double expected = 3 * s / (1 + 2 * s);
            Assert.InRange(schedule.Sigmas[i], expected - FloatTolerance, expected + FloatTolerance);
            Assert.InRange(schedule.Timesteps[i], expected * 1000 - 1e-3, expected * 1000 + 1e-3);
        }
        Assert.Equal(0f, schedule.Sigmas[10]);
    }

    [Fact]
    public void CreateSchedule_LinearTimeShift_MatchesDoubleFormula()
    {
        var config = FlowMatchSchedulerConfig.FluxKontext with { TimeShiftType = TimeShiftType.Linear };
        var schedule = new FlowMatchEulerScheduler(config).CreateSchedule(7, imageSeqLen: 1000);
        double mu = 1000 * (0.65 / 3840) + (0.5 - 0.65 / 3840 * 256);

        Assert.Equal(mu, schedule.Mu!.Value, 12);
        for (int i = 0; i < 7; i++)
        {
            double s = 1.0 - i * (1.0 - 1.0 / 7) / 6;
            double expected = mu / (mu + (1 / s - 1));
            Assert.InRange(schedule.Sigmas[i], expected - FloatTolerance, expected + FloatTolerance);
        }
    }

    [Fact]
    public void CreateSchedule_QwenShiftTerminal_EndsAtTerminalValue()
    {
        var schedule = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.QwenImage).CreateSchedule(50, 4096);

        Assert.Equal(0.693548, schedule.Mu!.Value, 6); // mmdit-spec.md §3.9
        Assert.InRange(schedule.Sigmas[49], 0.02 - FloatTolerance, 0.02 + FloatTolerance);
        Assert.InRange(schedule.Sigmas[1], 0.989701 - FloatTolerance, 0.989701 + FloatTolerance);
        Assert.Equal(0f, schedule.Sigmas[50]);
    }

    [Fact]
    public void Step_DestinationAliasesSample_AppliesEulerUpdate()
    {
        var schedule = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.FluxKontext).CreateSchedule(4, 256);
        float[] x = [1f, -2f, 0.5f];
        float[] v = [0.25f, 1f, -3f];
        float dt = schedule.Sigmas[2] - schedule.Sigmas[1];
        float[] expected = x.Select((xi, i) => xi + dt * v[i]).ToArray();

        schedule.Step(1, x, v, x);

        Assert.Equal(expected, x);
        Assert.Equal(dt, schedule.StepSize(1));
    }

    [Fact]
    public void Step_BadIndexOrLengths_Throws()
    {
        var schedule = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.FluxKontext).CreateSchedule(4, 256);
        var buffer = new float[3];

        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Step(4, buffer, buffer, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Step(-1, buffer, buffer, buffer));
        var e = Assert.Throws<ArgumentException>(() => schedule.Step(0, buffer, new float[2], buffer));
        Assert.Equal("velocity", e.ParamName);
    }

    [Fact]
    public void EulerStepBuild_BadShapes_Throws()
    {
        var g = new Locus.Engine.Graph.GraphBuilder();
        var x = g.Input("x", Locus.Engine.Tensors.DType.F32, new(1, 4, 8));
        var v = g.Input("v", Locus.Engine.Tensors.DType.F32, new(1, 4, 4));
        var dt = g.Input("dt", Locus.Engine.Tensors.DType.F32, new(1));
        var dt2 = g.Input("dt2", Locus.Engine.Tensors.DType.F32, new(2));

        Assert.Equal("velocity", Assert.Throws<ArgumentException>(() => FlowMatchEulerStep.Build(g, x, v, dt)).ParamName);
        Assert.Equal("stepSize", Assert.Throws<ArgumentException>(() => FlowMatchEulerStep.Build(g, x, x, dt2)).ParamName);
    }

    [Fact]
    public void CreateSchedule_BadArguments_Throws()
    {
        var scheduler = new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.FluxKontext);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.CreateSchedule(0, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.CreateSchedule(4, 0));
        Assert.Throws<ArgumentException>(() => scheduler.CreateSchedule([1.0, 0.5], mu: null));
        Assert.Throws<ArgumentException>(() => scheduler.CreateSchedule([1.0, 0.0], mu: 1.0));
        Assert.Throws<ArgumentException>(() => new FlowMatchEulerScheduler(FlowMatchSchedulerConfig.QwenImage).CreateSchedule(1, 256));
    }

    [Fact]
    public void FromJsonText_HubStyleQwenConfig_EqualsQwenImagePreset()
    {
        const string json = """
            {"_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.34.0", "base_image_seq_len": 256,
             "base_shift": 0.5, "invert_sigmas": false, "max_image_seq_len": 8192, "max_shift": 0.9, "num_train_timesteps": 1000,
             "shift": 1.0, "shift_terminal": 0.02, "stochastic_sampling": false, "time_shift_type": "exponential",
             "use_beta_sigmas": false, "use_dynamic_shifting": true, "use_exponential_sigmas": false, "use_karras_sigmas": false}
            """;

        Assert.Equal(FlowMatchSchedulerConfig.QwenImage, FlowMatchSchedulerConfig.FromJsonText(json));
    }

    [Theory]
    [InlineData("""{"shift": "3"}""", "'shift'")]
    [InlineData("""{"shift": -1}""", "'shift'")]
    [InlineData("""{"num_train_timesteps": 1.5}""", "'num_train_timesteps'")]
    [InlineData("""{"use_dynamic_shifting": 1}""", "'use_dynamic_shifting'")]
    [InlineData("""{"time_shift_type": "cosine"}""", "'time_shift_type'")]
    [InlineData("""{"use_karras_sigmas": true}""", "'use_karras_sigmas'")]
    [InlineData("""{"stochastic_sampling": true}""", "'stochastic_sampling'")]
    [InlineData("""{"shift_terminal": 1.5}""", "'shift_terminal'")]
    [InlineData("""{"max_image_seq_len": 256}""", "'max_image_seq_len'")]
    [InlineData("""{"base_shift": 0.5,""", "malformed JSON")]
    [InlineData("""[1, 2]""", "JSON object")]
    public void FromJsonText_BadValue_ThrowsNamingTheKey(string json, string expectedFragment)
    {
        var e = Assert.Throws<LocusException>(() => FlowMatchSchedulerConfig.FromJsonText(json, "sched.json"));

        Assert.Contains(expectedFragment, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("sched.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_MissingFile_ThrowsNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "locus-no-such-dir", "scheduler_config.json");

        var e = Assert.Throws<LocusException>(() => FlowMatchSchedulerConfig.FromJson(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultSigmas_MatchesLinspace()
    {
        double[] s = FlowMatchEulerScheduler.DefaultSigmas(4);

        Assert.Equal([1.0, 0.75, 0.5, 0.25], s);
        Assert.Equal([1.0], FlowMatchEulerScheduler.DefaultSigmas(1));
    }
}
