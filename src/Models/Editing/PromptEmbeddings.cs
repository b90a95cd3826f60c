using Locus.Engine.IO;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;

namespace Locus.Models.Editing;

/// <summary>
/// Text-encoder hidden states for one edit, F32: <c>prompt_embeds</c> [1, N_txt, joint_attention_dim],
/// <c>pooled_prompt_embeds</c> [1, pooled_dim] (Flux), <c>prompt_embeds_mask</c> [1, N_txt] (Qwen, optional), and the same
/// names prefixed <c>negative_</c> (optional). Files are safetensors with these names (docs/pipeline.md).
/// </summary>
public sealed class PromptEmbeddings
{
    /// <summary>Tensor names.</summary>
    public const string EmbedsName = "prompt_embeds", PooledName = "pooled_prompt_embeds", MaskName = "prompt_embeds_mask", NegativePrefix = "negative_";

    /// <summary>Embeddings from tensors (converted to F32; shapes checked by <see cref="Validate"/>).</summary>
    public PromptEmbeddings(HostTensor embeds, HostTensor? pooled = null, HostTensor? mask = null, string source = "prompt embeddings")
    {
        ArgumentNullException.ThrowIfNull(embeds);
        Embeds = F32(embeds);
        Pooled = pooled is null ? null : F32(pooled);
        Mask = mask is null ? null : F32(mask);
        Source = source;
    }

    /// <summary>prompt_embeds [1, N_txt, D].</summary>
    public HostTensor Embeds { get; }

    /// <summary>pooled_prompt_embeds [1, P] or null.</summary>
    public HostTensor? Pooled { get; }

    /// <summary>prompt_embeds_mask [1, N_txt] or null.</summary>
    public HostTensor? Mask { get; }

    /// <summary>negative_* embeddings or null.</summary>
    public PromptEmbeddings? Negative { get; init; }

    /// <summary>Where they came from (for errors).</summary>
    public string Source { get; }

    /// <summary>Text tokens N_txt.</summary>
    public int TextTokens => Embeds.Shape.Rank == 3 ? Embeds.Shape[1] : 0;

    /// <summary>Loads a safetensors file with the names above.</summary>
    /// <exception cref="PromptEmbeddingsException">The file is unreadable or lacks prompt_embeds (names file and tensor).</exception>
    public static PromptEmbeddings Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new PromptEmbeddingsException($"prompt embeddings '{path}': no such file");
        }
        try
        {
            using var file = SafetensorsFile.Open(path);
            HostTensor? Get(string name) => file.TryGet(name, out var e) ? file.Read(e) : null;
            var embeds = Get(EmbedsName) ?? throw new PromptEmbeddingsException(
                $"{path}: tensor '{EmbedsName}' is missing (found: {string.Join(", ", file.Tensors.Select(t => t.Name))})");
            var negEmbeds = Get(NegativePrefix + EmbedsName);
            return new PromptEmbeddings(embeds, Get(PooledName), Get(MaskName), path)
            {
                Negative = negEmbeds is null ? null
                    : new PromptEmbeddings(negEmbeds, Get(NegativePrefix + PooledName), Get(NegativePrefix + MaskName), path + " (negative)"),
            };
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or ArgumentException)
        {
            throw new PromptEmbeddingsException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes these embeddings (and the negative ones) under the documented names.</summary>
    public void Save(string path)
    {
        var tensors = new List<KeyValuePair<string, HostTensor>>();
        void Add(PromptEmbeddings p, string prefix)
        {
            tensors.Add(new(prefix + EmbedsName, p.Embeds));
            if (p.Pooled is not null)
            {
                tensors.Add(new(prefix + PooledName, p.Pooled));
            }
            if (p.Mask is not null)
            {
                tensors.Add(new(prefix + MaskName, p.Mask));
            }
        }
        Add(this, "");
        if (Negative is not null)
        {
            Add(Negative, NegativePrefix);
        }
        SafetensorsWriter.Write(path, tensors);
    }

    /// <summary>Checks the shapes against the model: embeds [1, N, <paramref name="jointDim"/>], pooled [1, <paramref name="pooledDim"/>] when required, mask [1, N].</summary>
    /// <exception cref="PromptEmbeddingsException">A tensor is missing or mis-shaped (names the source and tensor).</exception>
    public void Validate(int jointDim, int? pooledDim, string prefix = "")
    {
        var s = Embeds.Shape;
        if (s.Rank != 3 || s[0] != 1 || s[1] < 1 || s[2] != jointDim)
        {
            throw new PromptEmbeddingsException($"{Source}: '{prefix}{EmbedsName}' is {s}; the model needs [1, N_txt, {jointDim}] (joint_attention_dim)");
        }
        if (pooledDim is { } p)
        {
            if (Pooled is null)
            {
                throw new PromptEmbeddingsException($"{Source}: tensor '{prefix}{PooledName}' [1, {p}] is missing (Flux needs the pooled CLIP embedding)");
            }
            if (Pooled.Shape != new Shape(1, p))
            {
                throw new PromptEmbeddingsException($"{Source}: '{prefix}{PooledName}' is {Pooled.Shape}; the model needs [1, {p}] (pooled_projection_dim)");
            }
        }
        if (Mask is not null && Mask.Shape != new Shape(1, s[1]))
        {
            throw new PromptEmbeddingsException($"{Source}: '{prefix}{MaskName}' is {Mask.Shape}; expected [1, {s[1]}]");
        }
        foreach (float v in Embeds.ToFloatArray())
        {
            if (!float.IsFinite(v))
            {
                throw new PromptEmbeddingsException($"{Source}: '{prefix}{EmbedsName}' holds a non-finite value");
            }
        }
        Negative?.Validate(jointDim, pooledDim, NegativePrefix);
    }

    private static HostTensor F32(HostTensor t) => t.DType == DType.F32 ? t : t.ConvertTo(DType.F32);
}
