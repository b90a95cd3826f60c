using Locus.Engine.Graph;
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.Pipelines;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>Image [1, 3, H, W] → VAE posterior mean → (mean − shift)·scale → packed [1, (h/2)(w/2), 4C].</summary>
    private HostTensor EncodePacked(HostTensor image, CancellationToken ct)
    {
        var g = new GraphBuilder();
        var x = g.Input("image", DType, image.Shape);                   // [1, 3, H, W]
        var mean = _vae.BuildEncodeMean(g, x);                          // [1, C, h, w]
        var latent = _vae.ToTransformerLatent(g, mean);                 // [1, C, h, w]
        var packed = LatentPacking.Pack(g, latent);                     // [1, (h/2)(w/2), 4C]
        using var executor = new Executor(g.Build(packed), _backend, _vaeWeights.Provider);
        executor.SetInput("image", image);
        executor.Run(null, ct);
        var r = executor.Read(packed);
        return r.DType == DType.F32 ? r : r.ConvertTo(DType.F32);
    }

    /// <summary>Packed [1, N, 4C] → unpack → z/scale + shift → VAE decode → image [1, 3, H, W] (≈[−1, 1]).</summary>
    private HostTensor DecodePacked(HostTensor packed, int latentHeight, int latentWidth, CancellationToken ct)
    {
        var g = new GraphBuilder();
        var x = g.Input("latents", DType, packed.Shape);                // [1, N, 4C]
        var latent = LatentPacking.Unpack(g, x, latentHeight, latentWidth); // [1, C, h, w]
        var z = _vae.FromTransformerLatent(g, latent);                   // [1, C, h, w]
        var image = _vae.BuildDecode(g, z);                              // [1, 3, H, W]
        using var executor = new Executor(g.Build(image), _backend, _vaeWeights.Provider);
        executor.SetInput("latents", packed);
        executor.Run(null, ct);
        var r = executor.Read(image);
        return r.DType == DType.F32 ? r : r.ConvertTo(DType.F32);
    }
}
