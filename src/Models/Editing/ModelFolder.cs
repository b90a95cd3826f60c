using System.Text.Json;
using Locus.Models.Scheduling;

namespace Locus.Models.Editing;

/// <summary>
/// A diffusers-style model folder: <c>transformer/</c> (config.json + safetensors), <c>vae/</c> (config.json +
/// safetensors) and optional <c>scheduler/scheduler_config.json</c> (else the Kontext defaults). The model kind
/// comes from the transformer config's <c>_class_name</c>. See docs/pipeline.md.
/// </summary>
public sealed record ModelFolder
{
    private ModelFolder(string root, EditModelKind kind, FlowMatchSchedulerConfig scheduler)
    {
        Root = root;
        Kind = kind;
        Scheduler = scheduler;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>The editor family.</summary>
    public EditModelKind Kind { get; }

    /// <summary>Scheduler settings (scheduler_config.json, or the model family's defaults).</summary>
    public FlowMatchSchedulerConfig Scheduler { get; }

    /// <summary><c>transformer/</c>.</summary>
    public string TransformerDir => Path.Combine(Root, "transformer");

    /// <summary><c>transformer/config.json</c>.</summary>
    public string TransformerConfig => Path.Combine(TransformerDir, "config.json");

    /// <summary><c>vae/</c>.</summary>
    public string VaeDir => Path.Combine(Root, "vae");

    /// <summary><c>vae/config.json</c>.</summary>
    public string VaeConfig => Path.Combine(VaeDir, "config.json");

    /// <summary>Checks the layout and reads the model kind and scheduler config.</summary>
    /// <exception cref="ArgumentException">The folder, a config or the weights are missing, or the class is not supported (the message names the path).</exception>
    public static ModelFolder Open(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
        {
            throw new ArgumentException($"model folder '{root}' does not exist", nameof(root));
        }
        foreach (string sub in new[] { "transformer", "vae" })
        {
            string dir = Path.Combine(root, sub);
            if (!File.Exists(Path.Combine(dir, "config.json")))
            {
                throw new ArgumentException($"model folder '{root}': {sub}/config.json is missing (expected a diffusers layout: transformer/, vae/)", nameof(root));
            }
            if (!Directory.EnumerateFiles(dir, "*.safetensors").Any())
            {
                throw new ArgumentException($"model folder '{root}': no *.safetensors in {sub}/", nameof(root));
            }
        }
        string configPath = Path.Combine(root, "transformer", "config.json");
        string? className;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
            className = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("_class_name", out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{configPath}: invalid JSON ({e.Message})", nameof(root), e);
        }
        var kind = className switch
        {
            "FluxTransformer2DModel" => EditModelKind.FluxKontext,
            "QwenImageTransformer2DModel" => EditModelKind.QwenImageEdit,
            null => throw new ArgumentException($"{configPath}: '_class_name' is missing (FluxTransformer2DModel or QwenImageTransformer2DModel)", nameof(root)),
            _ => throw new ArgumentException($"{configPath}: model class '{className}' is not supported (FluxTransformer2DModel or QwenImageTransformer2DModel)", nameof(root)),
        };
        string schedulerPath = Path.Combine(root, "scheduler", "scheduler_config.json");
        var scheduler = File.Exists(schedulerPath) ? FlowMatchSchedulerConfig.FromJson(schedulerPath)
            : kind == EditModelKind.QwenImageEdit ? FlowMatchSchedulerConfig.QwenImage : FlowMatchSchedulerConfig.FluxKontext;
        return new ModelFolder(Path.GetFullPath(root), kind, scheduler);
    }
}
