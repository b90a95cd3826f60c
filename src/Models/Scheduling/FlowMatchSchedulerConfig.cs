// diffusers src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py @ d035dcd7 (v0.40.0):
// FlowMatchEulerDiscreteScheduler.__init__ arguments (= the keys of a diffusers scheduler_config.json).
// Only the deterministic Euler path used by the Flux-Kontext and Qwen-Image pipelines is supported:
// karras/exponential/beta sigmas, invert_sigmas and stochastic_sampling are rejected when enabled.
using System.Text.Json;
using Locus.Engine.IO;

namespace Locus.Models.Scheduling;

/// <summary>
/// Configuration of <see cref="FlowMatchEulerScheduler"/>, named after the diffusers config keys.
/// μ for dynamic shifting is <see cref="CalculateShift(int)"/> (diffusers pipelines' <c>calculate_shift</c>).
/// </summary>
public sealed record FlowMatchSchedulerConfig
{
    /// <summary><c>num_train_timesteps</c>: timesteps = σ·this.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary><c>shift</c>: static shift σ' = s·σ/(1 + (s − 1)·σ), used only without dynamic shifting.</summary>
    public double Shift { get; init; } = 1.0;

    /// <summary><c>use_dynamic_shifting</c>: shift by μ from the target token count.</summary>
    public bool UseDynamicShifting { get; init; }

    /// <summary><c>base_shift</c>: μ at <see cref="BaseImageSeqLen"/>.</summary>
    public double BaseShift { get; init; } = 0.5;

    /// <summary><c>max_shift</c>: μ at <see cref="MaxImageSeqLen"/>.</summary>
    public double MaxShift { get; init; } = 1.15;

    /// <summary><c>base_image_seq_len</c>.</summary>
    public int BaseImageSeqLen { get; init; } = 256;

    /// <summary><c>max_image_seq_len</c>.</summary>
    public int MaxImageSeqLen { get; init; } = 4096;

    /// <summary><c>shift_terminal</c>: when set, the shifted schedule is stretched so its last σ equals this value.</summary>
    public double? ShiftTerminal { get; init; }

    /// <summary><c>time_shift_type</c>.</summary>
    public TimeShiftType TimeShiftType { get; init; } = TimeShiftType.Exponential;

    /// <summary>FLUX.1-Kontext-dev (as FluxKontextPipeline configures it; shift 3.0 is unused with dynamic shifting).</summary>
    public static FlowMatchSchedulerConfig FluxKontext { get; } = new()
    {
        Shift = 3.0,
        UseDynamicShifting = true,
        BaseShift = 0.5,
        MaxShift = 1.15,
        BaseImageSeqLen = 256,
        MaxImageSeqLen = 4096,
    };

    /// <summary>Qwen-Image / Qwen-Image-Edit: max shift 0.9 at 8192 tokens, exponential shift, terminal σ 0.02.</summary>
    public static FlowMatchSchedulerConfig QwenImage { get; } = new()
    {
        Shift = 1.0,
        UseDynamicShifting = true,
        BaseShift = 0.5,
        MaxShift = 0.9,
        BaseImageSeqLen = 256,
        MaxImageSeqLen = 8192,
        ShiftTerminal = 0.02,
    };

    /// <summary>
    /// diffusers <c>calculate_shift</c> in float64: μ = L·m + b, m = (max_shift − base_shift)/(max_len − base_len),
    /// b = base_shift − m·base_len. <paramref name="imageSeqLen"/> counts target tokens only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">imageSeqLen &lt; 1.</exception>
    public double CalculateShift(int imageSeqLen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSeqLen, 1);
        double m = (MaxShift - BaseShift) / (MaxImageSeqLen - BaseImageSeqLen);
        double b = BaseShift - m * BaseImageSeqLen;
        return imageSeqLen * m + b;
    }

    /// <summary>Reads a diffusers <c>scheduler_config.json</c>.</summary>
    /// <exception cref="LocusException">The file is missing or unreadable, or a key has a bad value (the message names it).</exception>
    public static FlowMatchSchedulerConfig FromJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromJsonText(JsonConfig.ReadFile(path, "scheduler config"), path);
    }

    /// <summary>Parses diffusers scheduler config JSON; absent keys keep the diffusers defaults.</summary>
    /// <exception cref="LocusException">Malformed JSON, a value of the wrong type or range, or an unsupported option enabled.</exception>
    public static FlowMatchSchedulerConfig FromJsonText(string json, string source = "scheduler config")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonConfig.Parse(json, source);
        var r = new JsonConfig(doc.RootElement, source);
        foreach (string flag in (string[])["use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "invert_sigmas", "stochastic_sampling"])
        {
            if (r.Bool(flag, false))
            {
                throw new LocusException($"{source}: '{flag}' = true is not supported (only the deterministic Euler schedule is)");
            }
        }
        string shiftType = r.String("time_shift_type", "exponential");
        var config = new FlowMatchSchedulerConfig
        {
            NumTrainTimesteps = r.Int("num_train_timesteps", 1000, min: 1),
            Shift = r.Double("shift", 1.0, minExclusive: 0),
            UseDynamicShifting = r.Bool("use_dynamic_shifting", false),
            BaseShift = r.Double("base_shift", 0.5),
            MaxShift = r.Double("max_shift", 1.15),
            BaseImageSeqLen = r.Int("base_image_seq_len", 256, min: 1),
            MaxImageSeqLen = r.Int("max_image_seq_len", 4096, min: 1),
            ShiftTerminal = r.NullableDouble("shift_terminal"),
            TimeShiftType = shiftType switch
            {
                "exponential" => TimeShiftType.Exponential,
                "linear" => TimeShiftType.Linear,
                _ => throw new LocusException($"{source}: 'time_shift_type' is \"{shiftType}\"; expected \"exponential\" or \"linear\""),
            },
        };
        if (config.MaxImageSeqLen == config.BaseImageSeqLen)
        {
            throw new LocusException($"{source}: 'max_image_seq_len' equals 'base_image_seq_len' ({config.BaseImageSeqLen}); the shift slope is undefined");
        }
        if (config.ShiftTerminal is { } t && (t < 0 || t >= 1))
        {
            throw new LocusException($"{source}: 'shift_terminal' = {t} must lie in [0, 1)");
        }
        // diffusers tests `if self.config.shift_terminal:`, so 0 means off.
        return config.ShiftTerminal == 0 ? config with { ShiftTerminal = null } : config;
    }
}
