using System.Diagnostics;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.Adapters;
using Locus.Models.MmDit;
using Locus.Models.Pipelines;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>
    /// The edit flow (design §5; FluxKontextPipeline / QwenImageEditPipeline, mmdit-spec §2, §3.7–3.9): size policy, VAE encode
    /// of the source into packed reference tokens, the mask (user / adapter-predicted before the steps; attention-derived after
    /// the capture steps), the adapter's per-edit prelude, the flow-match Euler loop with GRAG, true CFG, region bias and
    /// FlowBlend, decode and the optional pixel composite.
    /// </summary>
    private EditResult RunEdit(EditRequest request, IProgress<EditProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        request.Validate();
        var embeds = request.Embeddings;
        embeds.Validate(_model.JointDim, _model.PooledDim);
        int stepCount = request.Steps ?? _model.DefaultSteps;
        float cfgScale = request.TrueCfgScale ?? _model.DefaultTrueCfgScale;
        bool trueCfg = cfgScale > 1f && embeds.Negative is not null;
        if (trueCfg)
        {
            embeds.Negative!.Validate(_model.JointDim, _model.PooledDim, PromptEmbeddings.NegativePrefix);
        }
        if (request.Mask.Kind == MaskSourceKind.Predicted && AdapterConfig is null)
        {
            throw new ArgumentException("mask source 'predicted' needs the region adapter's MaskPredictor: open the pipeline with an adapter folder", nameof(request));
        }
        CheckTokens(request.Mask.Tokens, embeds.TextTokens, "attention mask");
        CheckTokens(request.RegionBias?.Tokens, embeds.TextTokens, "region bias");
        bool attentionMask = request.Mask.Kind == MaskSourceKind.Attention;
        var capture = request.Capture ?? (attentionMask ? new AttentionCaptureSettings() : null);
        bool adapterWanted = request.UseAdapter && AdapterConfig is not null && request.Mask.Kind != MaskSourceKind.None;

        // Weights not uploaded yet (first edit; the adapter's first use) go up now, with Load progress, outside the stage times.
        var loadClock = Stopwatch.StartNew();
        var load = LoadWeights(adapterWanted, progress, ct) ? loadClock.Elapsed : TimeSpan.Zero;
        clock.Restart();

        // Size policy: sides are multiples of 16 and of 2·f (the latent packs 2×2).
        int f = VaeFactor;
        int multiple = 16 * 2 * f / Gcd(16, 2 * f);
        var (width, height) = request.Size.Resolve(request.Image.Width, request.Image.Height, multiple);
        var source = ImageResize.Resize(request.Image, width, height);
        int h = source.Height / f, w = source.Width / f, gh = h / 2, gw = w / 2, nt = gh * gw, c4 = _model.PackedChannels;
        HostTensor? tokenMask = request.Mask.Kind == MaskSourceKind.User
            ? EditMasks.ToTokenGrid(request.Mask.Mask!, request.Image.Width, request.Image.Height, source.Width, source.Height, gh, gw, request.Blend?.Threshold)
            : null;
        var prepare = clock.Elapsed;

        // Encode: reference tokens x0 [1, nt, 4C].
        ct.ThrowIfCancellationRequested();
        progress?.Report(new EditProgress(0, stepCount, TimeSpan.Zero) { Stage = EditStage.Encode });
        var x0 = EncodePacked(ImageTensors.ToTensor(source), ct);
        var encode = clock.Elapsed - prepare;

        // Mask stage before the steps: the adapter's prelude predicts the mask and/or computes c and the gates.
        AdapterValues? adapter = null;
        if (adapterWanted && !attentionMask)
        {
            progress?.Report(new EditProgress(0, stepCount, TimeSpan.Zero) { Stage = EditStage.Mask });
            adapter = RunAdapterPrelude(embeds, tokenMask, x0, gh, gw, ct);
            tokenMask ??= adapter.Mask;
        }
        var maskTime = clock.Elapsed - prepare - encode;

        // Noise ε, the schedule from the target token count, and the step graphs (capture phase, then the main phase).
        var noise = LatentPacking.Pack(SeededNoise.Normal(new Shape(1, c4 / 4, h, w), request.Seed)).ToFloatArray(); // [1, nt, 4C]
        if (stepCount < 2 && _scheduler.Config.ShiftTerminal is not null)
        {
            // diffusers' stretch_shift_to_terminal divides by 1 − σ_last = 0 for a single step (NaN sigmas there).
            throw new ArgumentOutOfRangeException(nameof(request), stepCount, "this model's scheduler (shift_terminal) needs at least 2 steps");
        }
        var schedule = _scheduler.CreateSchedule(stepCount, nt);
        int captureSteps = capture?.StepsFor(schedule.StepCount) ?? 0;
        var captureOptions = capture is null ? null : CaptureOptions(capture, gh, gw, nt);
        var binding = adapterWanted ? new RegionAdapterBinding(AdapterConfig!, _adapterStore!, gh, gw) : null;
        var bias = request.RegionBias is { } rb ? new RegionBiasOptions { Bias = rb.Bias, TextTokens = rb.Tokens } : null;
        var texts = trueCfg ? new[] { embeds, embeds.Negative! } : [embeds];
        var main = texts.Select(t => Spec(t, nt, request.Grag, binding, null, bias)).ToArray();
        var captureSpec = captureOptions is null ? null : Spec(embeds, nt, request.Grag, null, captureOptions, null);
        KeepSessions([.. main.Select(s => s.Key), .. captureSpec is null ? [] : new[] { captureSpec.Key }]);
        var inputs = texts.Select(t => _model.TextInputs(t, gh, gw, request.Guidance)).ToArray();

        var x = (float[])noise.Clone();
        var x0Values = x0.ToFloatArray();
        var hidden = HostTensor.FromFloats(new Shape(1, 2 * nt, c4), new float[2 * nt * c4]);            // [1, nt + nr, 4C]
        var maps = captureOptions is null ? null : new MapAccumulator();
        AttentionMaskResult? derived = null;
        var maskValues = tokenMask?.ToFloatArray();
        Dictionary<string, HostTensor>[]? mainInputs = null;                          // per text condition, once the mask is known
        void DeriveAttentionMask(bool withAdapter)
        {
            var maskClock = Stopwatch.StartNew();
            derived = AttentionMaskBuilder.Build(_backend, maps!.TextOnly!, maps.TargetTarget!, request.Mask.Tokens!, gh, gw, capture!.Mask);
            tokenMask = derived.Mask;
            maskValues = tokenMask.ToFloatArray();
            if (withAdapter && binding is not null)
            {
                adapter = RunAdapterPrelude(embeds, tokenMask, x0, gh, gw, ct);
            }
            maskTime += maskClock.Elapsed;
        }
        var stepClock = Stopwatch.StartNew();
        for (int i = 0; i < schedule.StepCount; i++)
        {
            ct.ThrowIfCancellationRequested();
            bool capturing = i < captureSteps;
            if (!capturing && i == captureSteps && attentionMask)
            {
                // Localisation is over: the attention-derived mask, then the adapter prelude with it.
                progress?.Report(new EditProgress(i, schedule.StepCount, stepClock.Elapsed) { Stage = EditStage.Mask });
                DeriveAttentionMask(withAdapter: true);
            }
            var hs = hidden.AsSpan<float>();
            x.CopyTo(hs);
            x0Values.CopyTo(hs[(nt * c4)..]);
            var stepInputs = StepInputs(schedule.Timesteps[i], request.Grag, i, hidden);
            float[] v;
            if (capturing)
            {
                var graph = Session(captureSpec!);
                stepInputs[AttentionCapture.WeightInput] = AttentionCapture.Weight();
                v = Velocity(graph, inputs[0], stepInputs, nt * c4, ct);
                maps!.Add(graph);
            }
            else
            {
                mainInputs ??= [.. inputs.Select((text, c) => MainInputs(text, main[c], adapter, bias, tokenMask))];
                v = Velocity(Session(main[0]), mainInputs[0], stepInputs, nt * c4, ct);
            }
            if (trueCfg)
            {
                // During capture the negative pass runs without adapter and region bias, like the positive one.
                var negSpec = capturing ? main[1] with { Adapter = null, RegionBias = null } : main[1];
                var vNeg = Velocity(Session(negSpec), capturing ? inputs[1] : mainInputs![1], stepInputs, nt * c4, ct);
                TrueCfg.Combine(v, vNeg, cfgScale, c4, _model.NormRescaleCfg);
            }
            schedule.Step(i, x, v, x);
            CheckFinite(x, i + 1, schedule.StepCount);
            if (request.Blend is not null && maskValues is not null)
            {
                EditMasks.Blend(x, x0Values, noise, maskValues, schedule.Sigmas[i + 1], last: i == schedule.StepCount - 1);
            }
            progress?.Report(new EditProgress(i + 1, schedule.StepCount, stepClock.Elapsed));
        }
        if (attentionMask && derived is null)
        {
            DeriveAttentionMask(withAdapter: false);                                  // every step captured: the mask still serves the composite
        }
        var steps = clock.Elapsed - prepare - encode - maskTime;

        // Decode.
        ct.ThrowIfCancellationRequested();
        progress?.Report(new EditProgress(schedule.StepCount, schedule.StepCount, stepClock.Elapsed) { Stage = EditStage.Decode });
        var latents = HostTensor.FromFloats(new Shape(1, nt, c4), x);
        var image = ImageTensors.FromTensor(DecodePacked(latents, h, w, ct));
        var pixelMask = tokenMask is null ? null : EditMasks.ToPixels(tokenMask, 2 * f);
        if (request.Composite && pixelMask is not null)
        {
            image = EditMasks.Composite(image, source, pixelMask);
        }
        var decode = clock.Elapsed - prepare - encode - maskTime - steps;
        return new EditResult
        {
            Image = image,
            Source = source,
            TokenMask = tokenMask,
            PixelMask = pixelMask,
            Latents = latents,
            SourceLatents = x0,
            Timings = new EditTimings(prepare, encode, steps, decode) { Mask = maskTime, Load = load },
            Seed = request.Seed,
            Steps = schedule.StepCount,
            TrueCfgScale = trueCfg ? cfgScale : null,
            AdapterUsed = adapter is not null,
            Maps = maps?.Result(gh, gw, derived),
        };
    }

    private StepGraphSpec Spec(PromptEmbeddings text, int nt, GragSettings? grag, RegionAdapterBinding? adapter, AttentionCaptureOptions? capture, RegionBiasOptions? bias) =>
        new(new SequenceLayout(1, text.TextTokens, nt, nt), EditBackbone.HasPadding(text), grag, adapter, capture, bias);

    private static AttentionCaptureOptions CaptureOptions(AttentionCaptureSettings s, int gh, int gw, int nt)
    {
        bool pool = (s.PoolTargetMap ?? nt > 1024) && gh % 2 == 0 && gw % 2 == 0;
        return new AttentionCaptureOptions
        {
            Layers = s.Layers, JointText = false, TextOnly = true, TargetTarget = true, PoolTargetTarget = pool, GridHeight = gh, GridWidth = gw,
        };
    }

    /// <summary>Per-step inputs shared by every pass: hidden states, timestep, GRAG scales.</summary>
    private static Dictionary<string, HostTensor> StepInputs(float timestep, GragSettings? grag, int step, HostTensor hidden)
    {
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["hidden_states"] = hidden,
            ["timestep"] = HostTensor.FromFloats(new Shape(1), [timestep / 1000f]),
        };
        if (grag is not null)
        {
            bool on = grag.Steps is not { } n || step < n;
            inputs[GragOptions.ScalesInput] = HostTensor.FromFloats(new Shape(1, 2), on ? [grag.Lambda, grag.Delta] : [1f, 1f]);
        }
        return inputs;
    }

    /// <summary>A main-phase text condition's inputs plus the adapter's c and gates and the region-bias masks.</summary>
    private static Dictionary<string, HostTensor> MainInputs(Dictionary<string, HostTensor> text, StepGraphSpec spec, AdapterValues? adapter,
        RegionBiasOptions? bias, HostTensor? tokenMask)
    {
        var inputs = new Dictionary<string, HostTensor>(text, StringComparer.Ordinal);
        if (spec.Adapter is not null && adapter is not null)
        {
            inputs[RegionAdapterHook.ConditionInput] = adapter.Condition;
            inputs[RegionAdapterHook.GatesInput] = adapter.Gates;
        }
        if (spec.RegionBias is not null && bias is not null && tokenMask is not null)
        {
            foreach (var (name, value) in bias.Inputs(tokenMask, spec.Sequence))
            {
                inputs[name] = value;
            }
        }
        return inputs;
    }

    private static float[] Velocity(StepGraph graph, Dictionary<string, HostTensor> text, Dictionary<string, HostTensor> step, int targetValues, CancellationToken ct)
    {
        var inputs = new Dictionary<string, HostTensor>(text, StringComparer.Ordinal);
        foreach (var (name, value) in step)
        {
            inputs[name] = value;
        }
        var sample = graph.Session.Run(inputs, null, ct);                                               // [1, nt + nr, 4C]
        return sample.AsSpan<float>()[..targetValues].ToArray();
    }

    private static void CheckTokens(IReadOnlyList<int>? tokens, int textTokens, string what)
    {
        foreach (int t in tokens ?? [])
        {
            if (t < 0 || t >= textTokens)
            {
                throw new ArgumentException($"{what} token {t} is outside the prompt's {textTokens} text tokens", nameof(tokens));
            }
        }
    }

    /// <summary>Stops the edit when step <paramref name="step"/> left a NaN or ±∞ in the latents (a silent NaN image otherwise).</summary>
    private void CheckFinite(ReadOnlySpan<float> x, int step, int steps)
    {
        int bad = x.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (bad >= 0)
        {
            throw new EditNumericsException($"the model produced a non-finite latent value ({x[bad]}) at step {step} of {steps}"
                + (DType == DType.F32 ? "; check the weights (a NaN or ±∞ tensor)" : $"; the activations are {DType}: try f32, or check the weights"));
        }
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
