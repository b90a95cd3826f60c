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
    /// of the source into packed reference tokens, the mask (user / predicted / none), the adapter's per-edit prelude, the
    /// flow-match Euler loop with GRAG, true CFG and FlowBlend, decode and the optional pixel composite.
    /// </summary>
    private EditResult RunEdit(EditRequest request, IProgress<EditProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        request.Validate();
        var embeds = request.Embeddings;
        embeds.Validate(_model.JointDim, _model.PooledDim);
        bool trueCfg = request.TrueCfgScale > 1f && embeds.Negative is not null;
        if (trueCfg)
        {
            embeds.Negative!.Validate(_model.JointDim, _model.PooledDim, PromptEmbeddings.NegativePrefix);
        }
        bool useAdapter = request.UseAdapter && AdapterConfig is not null && request.Mask.Kind is MaskSourceKind.User or MaskSourceKind.Predicted;
        if (request.Mask.Kind == MaskSourceKind.Predicted && AdapterConfig is null)
        {
            throw new ArgumentException("mask source 'predicted' needs the region adapter's MaskPredictor: open the pipeline with an adapter folder", nameof(request));
        }
        if (request.Mask.Kind == MaskSourceKind.Attention)
        {
            throw new NotSupportedException("mask source 'attention' is not implemented yet (use a user mask, the predicted mask or none)");
        }

        // Size policy: nearest multiple of 16 and of 2·f (the latent packs 2×2).
        int f = VaeFactor;
        int multiple = 16 * 2 * f / Gcd(16, 2 * f);
        var source = ImageResize.ToMultipleOf(request.Image, multiple);
        int h = source.Height / f, w = source.Width / f, gh = h / 2, gw = w / 2, nt = gh * gw, c4 = _model.PackedChannels;
        HostTensor? tokenMask = request.Mask.Kind == MaskSourceKind.User
            ? EditMasks.ToTokenGrid(request.Mask.Mask!, request.Image.Width, request.Image.Height, source.Width, source.Height, gh, gw, request.Blend?.Threshold)
            : null;
        var prepare = clock.Elapsed;

        // Encode: reference tokens x0 [1, nt, 4C].
        ct.ThrowIfCancellationRequested();
        var x0 = EncodePacked(ImageTensors.ToTensor(source), ct);
        var encode = clock.Elapsed - prepare;

        // Mask stage: the adapter's prelude (once per edit) predicts the mask and/or computes c and the gates.
        AdapterValues? adapter = null;
        if (useAdapter)
        {
            adapter = RunAdapterPrelude(embeds, tokenMask, x0, gh, gw, ct);
            tokenMask ??= adapter.Mask;
        }
        var pixelMask = tokenMask is null ? null : EditMasks.ToPixels(tokenMask, 2 * f);
        var maskTime = clock.Elapsed - prepare - encode;

        // Noise ε, the schedule from the target token count, and the step graphs.
        var noise = LatentPacking.Pack(SeededNoise.Normal(new Shape(1, c4 / 4, h, w), request.Seed)).ToFloatArray(); // [1, nt, 4C]
        var schedule = _scheduler.CreateSchedule(request.Steps, nt);
        var binding = adapter is null ? null : new RegionAdapterBinding(AdapterConfig!, _adapterStore!, gh, gw);
        var conditions = new List<Condition> { NewCondition(embeds, gh, gw, nt, request, binding, adapter) };
        if (trueCfg)
        {
            conditions.Add(NewCondition(embeds.Negative!, gh, gw, nt, request, binding, adapter));
        }
        KeepSessions([.. conditions.Select(c => c.Key)]);
        var sessions = conditions.Select(c => Session(c.Key, c.Sequence, c.TextMask, request.Grag, binding)).ToArray();

        var x = (float[])noise.Clone();
        var x0Values = x0.ToFloatArray();
        var mask = tokenMask?.ToFloatArray();
        var hidden = HostTensor.FromFloats(new Shape(1, 2 * nt, c4), new float[2 * nt * c4]);            // [1, nt + nr, 4C]
        var stepClock = Stopwatch.StartNew();
        for (int i = 0; i < schedule.StepCount; i++)
        {
            ct.ThrowIfCancellationRequested();
            var hs = hidden.AsSpan<float>();
            x.CopyTo(hs);
            x0Values.CopyTo(hs[(nt * c4)..]);
            var timestep = HostTensor.FromFloats(new Shape(1), [schedule.Timesteps[i] / 1000f]);
            HostTensor? gragScales = null;
            if (request.Grag is { } grag)
            {
                bool on = grag.Steps is not { } n || i < n;
                gragScales = HostTensor.FromFloats(new Shape(1, 2), on ? [grag.Lambda, grag.Delta] : [1f, 1f]);
            }
            var v = Velocity(sessions[0], conditions[0], hidden, timestep, gragScales, nt * c4, ct);          // [nt·4C] target rows
            if (trueCfg)
            {
                var vNeg = Velocity(sessions[1], conditions[1], hidden, timestep, gragScales, nt * c4, ct);
                TrueCfg.Combine(v, vNeg, request.TrueCfgScale, c4, _model.NormRescaleCfg);
            }
            schedule.Step(i, x, v, x);
            if (request.Blend is not null && mask is not null)
            {
                EditMasks.Blend(x, x0Values, noise, mask, schedule.Sigmas[i + 1], last: i == schedule.StepCount - 1);
            }
            progress?.Report(new EditProgress(i + 1, schedule.StepCount, stepClock.Elapsed));
        }
        var steps = clock.Elapsed - prepare - encode - maskTime;

        // Decode.
        ct.ThrowIfCancellationRequested();
        var latents = HostTensor.FromFloats(new Shape(1, nt, c4), x);
        var image = ImageTensors.FromTensor(DecodePacked(latents, h, w, ct));
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
            Timings = new EditTimings(prepare, encode, steps, decode) { Mask = maskTime },
            Seed = request.Seed,
            AdapterUsed = adapter is not null,
        };
    }

    /// <summary>One text condition's step graph and its fixed inputs.</summary>
    private sealed record Condition(string Key, SequenceLayout Sequence, bool TextMask, Dictionary<string, HostTensor> Inputs);

    private Condition NewCondition(PromptEmbeddings embeds, int gh, int gw, int nt, EditRequest request, RegionAdapterBinding? binding, AdapterValues? adapter)
    {
        var seq = new SequenceLayout(1, embeds.TextTokens, nt, nt);
        bool textMask = EditBackbone.HasPadding(embeds);
        var inputs = _model.TextInputs(embeds, gh, gw, request.Guidance);
        if (adapter is not null)
        {
            inputs[RegionAdapterHook.ConditionInput] = adapter.Condition;
            inputs[RegionAdapterHook.GatesInput] = adapter.Gates;
        }
        return new Condition(SessionKey(seq, textMask, request.Grag, binding), seq, textMask, inputs);
    }

    private static float[] Velocity(TransformerSession session, Condition condition, HostTensor hidden, HostTensor timestep, HostTensor? gragScales, int targetValues, CancellationToken ct)
    {
        condition.Inputs["hidden_states"] = hidden;
        condition.Inputs["timestep"] = timestep;
        if (gragScales is not null)
        {
            condition.Inputs[GragOptions.ScalesInput] = gragScales;
        }
        var sample = session.Run(condition.Inputs, null, ct);                                            // [1, nt + nr, 4C]
        return sample.AsSpan<float>()[..targetValues].ToArray();
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
