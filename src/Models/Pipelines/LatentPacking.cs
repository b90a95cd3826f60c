// diffusers src/diffusers/pipelines/flux/pipeline_flux_kontext.py @ d035dcd7 (v0.40.0):
// FluxKontextPipeline._pack_latents, _unpack_latents, _prepare_latent_image_ids (QwenImage uses the same packing).
// Unlike diffusers' _unpack_latents (pixel sizes and vae_scale_factor), Unpack takes the latent height and width.
using Locus.Engine.Tensors;

namespace Locus.Models.Pipelines;

/// <summary>
/// The 2×2 "patch size 2" latent packing of Flux and Qwen-Image: [B, C, H, W] ↔ [B, (H/2)(W/2), 4C] with token
/// index r·(W/2) + c and packed channel ch·4 + dy·2 + dx holding pixel (2r + dy, 2c + dx); plus Flux image ids.
/// </summary>
public static partial class LatentPacking
{
    /// <summary>
    /// view(B, C, H/2, 2, W/2, 2).permute(0, 2, 4, 1, 3, 5).reshape(B, (H/2)(W/2), 4C). Any dtype (elements are moved, not converted).
    /// </summary>
    /// <exception cref="ArgumentException">Rank ≠ 4, or H or W odd or zero.</exception>
    public static HostTensor Pack(HostTensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var (b, c, h, w) = CheckLatentShape(latent.Shape, nameof(latent));
        var result = new HostTensor(latent.DType, PackedShape(latent.Shape));
        Permute(latent.Data, result.Data, latent.DType.SizeInBytes(), b, c, h, w, pack: true);
        return result;
    }

    /// <summary>Exact inverse of <see cref="Pack(HostTensor)"/>: [B, (H/2)(W/2), 4C] → [B, C, H, W] for latent size H × W.</summary>
    /// <exception cref="ArgumentException">The packed shape does not match H × W, or H or W is odd or not positive.</exception>
    public static HostTensor Unpack(HostTensor packed, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(packed);
        var latentShape = UnpackedShape(packed.Shape, height, width, nameof(packed));
        var result = new HostTensor(packed.DType, latentShape);
        Permute(packed.Data, result.Data, packed.DType.SizeInBytes(), latentShape[0], latentShape[1], height, width, pack: false);
        return result;
    }

    /// <summary>[B, C, H, W] → [B, (H/2)(W/2), 4C].</summary>
    public static Shape PackedShape(Shape latentShape)
    {
        var (b, c, h, w) = CheckLatentShape(latentShape, nameof(latentShape));
        return new Shape(b, h / 2 * (w / 2), c * 4);
    }

    /// <summary>
    /// Flux latent image ids [(H/2)(W/2), 3] f32 for a packed grid of <paramref name="gridHeight"/> × <paramref name="gridWidth"/>
    /// tokens: row r·gridWidth + c is (<paramref name="index"/>, r, c). Targets use index 0, Kontext reference images 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A grid size &lt; 1.</exception>
    public static HostTensor ImageIds(int gridHeight, int gridWidth, float index = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gridHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridWidth, 1);
        var ids = new HostTensor(DType.F32, new Shape(gridHeight * gridWidth, 3));
        var span = ids.AsSpan<float>();
        for (int r = 0; r < gridHeight; r++)
        {
            for (int c = 0; c < gridWidth; c++)
            {
                int row = (r * gridWidth + c) * 3;
                span[row] = index;
                span[row + 1] = r;
                span[row + 2] = c;
            }
        }
        return ids;
    }

    /// <summary>
    /// Kontext image ids: the target grid's ids (0, r, c) followed by the reference grid's ids (1, r, c),
    /// [(target tokens + reference tokens), 3], in the order the pipeline concatenates the tokens.
    /// </summary>
    public static HostTensor KontextImageIds(int targetGridHeight, int targetGridWidth, int referenceGridHeight, int referenceGridWidth)
    {
        var target = ImageIds(targetGridHeight, targetGridWidth, 0f);
        var reference = ImageIds(referenceGridHeight, referenceGridWidth, 1f);
        var ids = new HostTensor(DType.F32, new Shape(target.Shape[0] + reference.Shape[0], 3));
        target.Data.CopyTo(ids.Data, 0);
        reference.Data.CopyTo(ids.Data, target.Data.Length);
        return ids;
    }

    private static void Permute(byte[] source, byte[] destination, int size, int b, int c, int h, int w, bool pack)
    {
        int h2 = h / 2, w2 = w / 2;
        for (int n = 0; n < b; n++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        long latentIndex = (((long)n * c + ch) * h + y) * w + x;
                        long token = (long)n * h2 * w2 + (y / 2) * w2 + (x / 2);
                        long packedIndex = token * (4L * c) + ch * 4 + (y % 2) * 2 + (x % 2);
                        long from = pack ? latentIndex : packedIndex;
                        long to = pack ? packedIndex : latentIndex;
                        Array.Copy(source, from * size, destination, to * size, size);
                    }
                }
            }
        }
    }

    private static (int B, int C, int H, int W) CheckLatentShape(Shape shape, string argument)
    {
        if (shape.Rank != 4 || shape[2] < 2 || shape[3] < 2 || shape[2] % 2 != 0 || shape[3] % 2 != 0)
        {
            throw new ArgumentException($"latent shape {shape} must be [B, C, H, W] with H and W even and ≥ 2", argument);
        }
        return (shape[0], shape[1], shape[2], shape[3]);
    }

    private static Shape UnpackedShape(Shape packed, int height, int width, string argument)
    {
        if (height < 2 || width < 2 || height % 2 != 0 || width % 2 != 0)
        {
            throw new ArgumentException($"latent size {height}×{width} must be even and ≥ 2", argument);
        }
        if (packed.Rank != 3 || packed[1] != height / 2 * (width / 2) || packed[2] % 4 != 0 || packed[2] == 0)
        {
            throw new ArgumentException($"packed shape {packed} must be [B, {height / 2 * (width / 2)}, 4·C] for a {height}×{width} latent", argument);
        }
        return new Shape(packed[0], packed[2] / 4, height, width);
    }
}
