using Locus.Engine.Graph;

namespace Locus.Models.Pipelines;

public static partial class LatentPacking
{
    /// <summary>Graph form of <see cref="Pack(Engine.Tensors.HostTensor)"/>: Reshape → Permute → Contiguous → Reshape.</summary>
    /// <exception cref="ArgumentException">Rank ≠ 4, or H or W odd.</exception>
    public static Node Pack(GraphBuilder g, Node latent, string name = "pack_latents")
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(latent);
        // latent: [B, C, H, W]
        var (b, c, h, w) = CheckLatentShape(latent.Shape, nameof(latent));
        var x = g.Reshape(latent, new(b, c, h / 2, 2, w / 2, 2), name + ".view");   // [B, C, H/2, 2, W/2, 2]
        x = g.Permute(x, [0, 2, 4, 1, 3, 5], name + ".permute");                      // [B, H/2, W/2, C, 2, 2]
        x = g.Contiguous(x, name + ".contiguous");
        return g.Reshape(x, new(b, h / 2 * (w / 2), c * 4), name);                   // [B, (H/2)(W/2), 4C]
    }

    /// <summary>Graph form of <see cref="Unpack(Engine.Tensors.HostTensor, int, int)"/> for latent size H × W.</summary>
    /// <exception cref="ArgumentException">The packed shape does not match H × W.</exception>
    public static Node Unpack(GraphBuilder g, Node packed, int height, int width, string name = "unpack_latents")
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(packed);
        // packed: [B, (H/2)(W/2), 4C]
        var shape = UnpackedShape(packed.Shape, height, width, nameof(packed));
        int b = shape[0], c = shape[1];
        var x = g.Reshape(packed, new(b, height / 2, width / 2, c, 2, 2), name + ".view"); // [B, H/2, W/2, C, 2, 2]
        x = g.Permute(x, [0, 3, 1, 4, 2, 5], name + ".permute");                            // [B, C, H/2, 2, W/2, 2]
        x = g.Contiguous(x, name + ".contiguous");
        return g.Reshape(x, shape, name);                                                   // [B, C, H, W]
    }
}
