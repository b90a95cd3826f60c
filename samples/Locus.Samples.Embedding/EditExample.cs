using Locus.Engine.IO.Images;
using Locus.Kernels;
using Locus.Models.Editing;

namespace Locus.Samples.Embedding;

/// <summary>
/// The whole embedding story in one place: open a backend and a pipeline once, run an edit with progress and
/// cancellation, save the result. An application keeps <see cref="EditPipeline"/> alive and calls
/// <see cref="EditPipeline.EditAsync"/> for every edit (weights and planned graphs are reused).
/// </summary>
public static class EditExample
{
    /// <summary>Edits <paramref name="imagePath"/> with the model folder and prompt embeddings, writes <paramref name="outPath"/>.</summary>
    /// <param name="modelFolder">diffusers folder (transformer/, vae/) of FLUX.1-Kontext or Qwen-Image-Edit.</param>
    /// <param name="imagePath">Source image (PNG, JPEG or BMP).</param>
    /// <param name="embedsPath">prompt_embeds safetensors (docs/pipeline.md, "Prompt embeddings file").</param>
    /// <param name="outPath">Where the edited PNG goes.</param>
    /// <param name="maskPath">Optional mask PNG (white = edit); with it the edit is confined by FlowBlend.</param>
    /// <param name="device">"cpu" (default), "cuda", "cuda:N" or "auto".</param>
    /// <param name="log">Progress and timing lines.</param>
    /// <param name="cancellationToken">Cancels between denoising steps; every buffer is released.</param>
    public static async Task<EditResult> RunAsync(string modelFolder, string imagePath, string embedsPath, string outPath,
        string? maskPath, string device, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);

        // 1. Once per application: a backend and a pipeline (owns the weights on the device; reusable, IDisposable).
        using var backend = BackendFactory.Open(device);
        using var pipeline = EditPipeline.Open(modelFolder, backend, backend.PreferredActivationType);

        // 2. Per edit: a request. Steps = null takes the model's default (Kontext 28, Qwen-Image-Edit 50).
        var request = new EditRequest
        {
            Image = ImageCodec.Load(imagePath),
            Embeddings = PromptEmbeddings.Load(embedsPath),
            Steps = 4,
            Seed = 42,
            Mask = maskPath is null ? MaskSource.None : MaskSource.FromFile(maskPath),
            Blend = maskPath is null ? null : new BlendOptions(),
        };

        // 3. Progress is reported on the edit's own thread, in order (System.Progress<T> would post to the thread pool);
        //    the token cancels between steps.
        EditResult result = await pipeline.EditAsync(request, new LogProgress(log), cancellationToken).ConfigureAwait(false);

        ImageCodec.SavePng(result.Image, outPath);
        log.WriteLine($"{outPath}: {result.Image.Width}×{result.Image.Height} on {backend.Name}, {result.Steps} steps in " +
            $"{result.Timings.Steps.TotalSeconds:0.00} s (total {result.Timings.Total.TotalSeconds:0.00} s)");
        return result;
    }

    /// <summary>Writes one line per progress report, synchronously.</summary>
    private sealed class LogProgress(TextWriter log) : IProgress<EditProgress>
    {
        public void Report(EditProgress value) =>
            log.WriteLine($"{value.Stage} {value.Step}/{value.StepCount}, {value.ItPerSecond:0.0} it/s, ETA {value.Eta.TotalSeconds:0.0} s");
    }
}
