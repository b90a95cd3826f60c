namespace Locus.Models.Editing;

/// <summary>
/// FlowBlend (editing-mechanisms §5.2): after each Euler step the packed target latents become
/// x ← (1 − m)·src + m·x, src = σ_{i+1}·ε + (1 − σ_{i+1})·x0 (x0 the source latents, ε the initial noise; src = x0 at
/// the last step), so tokens with m = 0 end exactly at the source latents. m is the mask averaged (area) over each
/// token's pixels.
/// </summary>
public sealed record BlendOptions
{
    /// <summary>Binarise the token mask: m = (m ≥ threshold ? 1 : 0). null keeps it soft. Default 0.5.</summary>
    public float? Threshold { get; init; } = 0.5f;

    /// <summary>Throws when <see cref="Threshold"/> is outside (0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad threshold.</exception>
    public void Validate()
    {
        if (Threshold is { } t && !(t > 0f && t <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), t, "blend threshold must be in (0, 1]");
        }
    }
}
