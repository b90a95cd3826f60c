using System.Diagnostics;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.MmDit;
using Locus.Models.Pipelines;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>FluxKontextPipeline flow (mmdit-spec §2) with the optional mask, GRAG, FlowBlend and composite.</summary>
    private EditResult RunKontext(EditRequest request, IProgress<EditProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        request.Validate();
        if (request.Mask.Kind is MaskSourceKind.Predicted or MaskSourceKind.Attention)
        {
            throw new NotSupportedException($"mask source '{request.Mask.Kind}' is not implemented yet (use a user mask or none)");
        }
        var embeds = request.Embeddings;
        embeds.Validate(Config.JointAttentionDim, Config.PooledProjectionDim);
        bool trueCfg = request.TrueCfgScale > 1f && embeds.Negative is not null;
        if (trueCfg && embeds.Negative!.TextTokens != embeds.TextTokens)
        {
            throw new NotSupportedException($"true CFG needs negative embeddings with the same token count ({embeds.Negative.TextTokens} vs {embeds.TextTokens})");
        }

        // Size policy: nearest multiple of 16 (and of 2·f so the latent packs 2×2).
        int f = VaeConfig.DownsampleFactor;
        int multiple = 16 * 2 * f / Gcd(16, 2 * f);
        var source = ImageResize.ToMultipleOf(request.Image, multiple);
        int h = source.Height / f, w = source.Width / f, gh = h / 2, gw = w / 2, nt = gh * gw, c4 = Config.InChannels;
        HostTensor? tokenMask = request.Mask.Kind == MaskSourceKind.User
            ? EditMasks.ToTokenGrid(request.Mask.Mask!, request.Image.Width, request.Image.Height, source.Width, source.Height, gh, gw, request.Blend?.Threshold)
            : null;
        var pixelMask = tokenMask is null ? null : EditMasks.ToPixels(tokenMask, 2 * f);
        var prepare = clock.Elapsed;

        // Encode: reference tokens x0 [1, nt, 4C].
        ct.ThrowIfCancellationRequested();
        var x0 = EncodePacked(ImageTensors.ToTensor(source), ct);
        var encode = clock.Elapsed - prepare;

        // Noise ε and the schedule from the target token count.
        var noise = LatentPacking.Pack(SeededNoise.Normal(new Shape(1, c4 / 4, h, w), request.Seed)).ToFloatArray(); // [1, nt, 4C]
        var schedule = _scheduler.CreateSchedule(request.Steps, nt);
        var seq = new SequenceLayout(1, embeds.TextTokens, nt, nt);
        var session = Session(seq, request.Grag);
        var (cos, sin) = RopeTables.Flux(new HostTensor(DType.F32, new Shape(embeds.TextTokens, 3)), LatentPacking.KontextImageIds(gh, gw, gh, gw), Config.AxesDimsRope);
        var inputs = new Dictionary<string, HostTensor>(StringComparer.Ordinal)
        {
            ["encoder_hidden_states"] = embeds.Embeds,
            ["pooled_projections"] = embeds.Pooled!,
            ["rope_cos"] = cos,
            ["rope_sin"] = sin,
        };
        if (Config.GuidanceEmbeds)
        {
            inputs["guidance"] = HostTensor.FromFloats(new Shape(1), [request.Guidance]);
        }
        var x = (float[])noise.Clone();
        var x0Values = x0.ToFloatArray();
        var mask = tokenMask?.ToFloatArray();
        var hidden = new float[2 * nt * c4];
        var stepClock = Stopwatch.StartNew();
        for (int i = 0; i < schedule.StepCount; i++)
        {
            ct.ThrowIfCancellationRequested();
            x.CopyTo(hidden, 0);
            x0Values.CopyTo(hidden, nt * c4);
            inputs["hidden_states"] = HostTensor.FromFloats(new Shape(1, 2 * nt, c4), hidden);   // [1, nt + nr, 4C]
            inputs["timestep"] = HostTensor.FromFloats(new Shape(1), [schedule.Timesteps[i] / 1000f]);
            if (request.Grag is { } grag)
            {
                bool on = grag.Steps is not { } n || i < n;
                inputs[GragOptions.ScalesInput] = HostTensor.FromFloats(new Shape(1, 2), on ? [grag.Lambda, grag.Delta] : [1f, 1f]);
            }
            var v = Velocity(session, inputs, nt * c4, ct);                                           // [nt·4C] target rows
            if (trueCfg)
            {
                var neg = embeds.Negative!;
                inputs["encoder_hidden_states"] = neg.Embeds;
                inputs["pooled_projections"] = neg.Pooled!;
                var vNeg = Velocity(session, inputs, nt * c4, ct);
                inputs["encoder_hidden_states"] = embeds.Embeds;
                inputs["pooled_projections"] = embeds.Pooled!;
                TrueCfg.Combine(v, vNeg, request.TrueCfgScale, c4, normRescale: false);
            }
            schedule.Step(i, x, v, x);
            if (request.Blend is not null && mask is not null)
            {
                EditMasks.Blend(x, x0Values, noise, mask, schedule.Sigmas[i + 1], last: i == schedule.StepCount - 1);
            }
            progress?.Report(new EditProgress(i + 1, schedule.StepCount, stepClock.Elapsed));
        }
        var steps = clock.Elapsed - prepare - encode;

        // Decode.
        ct.ThrowIfCancellationRequested();
        var latents = HostTensor.FromFloats(new Shape(1, nt, c4), x);
        var image = ImageTensors.FromTensor(DecodePacked(latents, h, w, ct));
        if (request.Composite && pixelMask is not null)
        {
            image = EditMasks.Composite(image, source, pixelMask);
        }
        var decode = clock.Elapsed - prepare - encode - steps;
        return new EditResult
        {
            Image = image,
            Source = source,
            TokenMask = tokenMask,
            PixelMask = pixelMask,
            Latents = latents,
            SourceLatents = x0,
            Timings = new EditTimings(prepare, encode, steps, decode),
            Seed = request.Seed,
        };
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static float[] Velocity(TransformerSession session, Dictionary<string, HostTensor> inputs, int targetValues, CancellationToken ct)
    {
        var sample = session.Run(inputs, null, ct);                                                    // [1, nt + nr, 4C]
        return sample.AsSpan<float>()[..targetValues].ToArray();
    }
}
