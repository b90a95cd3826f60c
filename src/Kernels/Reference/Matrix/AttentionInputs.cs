using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Engine.Tensors;
using Locus.Kernels.Cpu;

namespace Locus.Kernels.Reference.Matrix;

/// <summary>
/// The optional inputs of an Attention node read into f32 arrays (shared by the reference and CPU kernels):
/// additive bias with its broadcast strides, GRAG groups with (λ, δ), region bias with its masks.
/// </summary>
internal sealed class AttentionInputs
{
    private AttentionInputs(Node node, AttentionParams p, ReadOnlySpan<BoundTensor> sources)
    {
        Name = node.Name;
        Scale = p.Scale;
        var q = sources[0].Shape;
        B = q[0];
        H = q[1];
        Nq = q[2];
        D = q[3];
        Nk = sources[1].Shape[2];
        Dv = sources[2].Shape[3];
        int next = 3;
        if (p.HasBias)
        {
            var bias = sources[next++];
            Bias = HostMemory.ReadFloats(bias);
            // Broadcast strides over [B, H, Nq] in elements (0 on broadcast dims); the key axis is dense.
            BiasStrideB = bias.Shape[0] == 1 ? 0 : (long)bias.Shape[1] * bias.Shape[2] * Nk;
            BiasStrideH = bias.Shape[1] == 1 ? 0 : (long)bias.Shape[2] * Nk;
            BiasStrideRow = bias.Shape[2] == 1 ? 0 : Nk;
        }
        Groups = p.Grag ?? [];
        Lambda = new float[Groups.Length];
        Delta = new float[Groups.Length];
        if (p.HasGrag)
        {
            float[] scales = HostMemory.ReadFloats(sources[next++]);
            for (int g = 0; g < Groups.Length; g++)
            {
                Lambda[g] = scales[2 * g];
                Delta[g] = scales[2 * g + 1];
            }
        }
        if (p.RegionBias is float region)
        {
            RegionBias = region;
            RowMask = HostMemory.ReadFloats(sources[next++]);
            ColMask = HostMemory.ReadFloats(sources[next]);
        }
    }

    public string Name { get; }

    public float Scale { get; }

    public int B { get; }

    public int H { get; }

    public int Nq { get; }

    public int Nk { get; }

    public int D { get; }

    public int Dv { get; }

    public float[]? Bias { get; }

    public long BiasStrideB { get; }

    public long BiasStrideH { get; }

    public long BiasStrideRow { get; }

    public GragGroup[] Groups { get; }

    public float[] Lambda { get; }

    public float[] Delta { get; }

    public bool HasOfficialGrag => Groups.Any(g => g.AllRows);

    public float? RegionBias { get; }

    /// <summary>[B, Nq]: rows with 0 receive the region bias.</summary>
    public float[]? RowMask { get; }

    /// <summary>[Nk]: columns with non-zero receive the region bias.</summary>
    public float[]? ColMask { get; }

    /// <summary>Reads the node's parameters and optional inputs.</summary>
    public static AttentionInputs Read(Node node, ReadOnlySpan<BoundTensor> sources) =>
        new(node, node.ParamsAs<AttentionParams>(), sources);

    /// <summary>Offset of bias row (b, h, i) in <see cref="Bias"/>.</summary>
    public long BiasRow(int b, int h, int i) => b * BiasStrideB + h * BiasStrideH + i * BiasStrideRow;

    /// <summary>True when row i of batch b receives the region bias (mask 0).</summary>
    public bool RegionRow(int b, int i) => RowMask is not null && RowMask[(long)b * Nq + i] == 0f;

    /// <summary>True when the row-restricted group g applies to row i.</summary>
    public bool GroupHasRow(int g, int i) => !Groups[g].AllRows && i >= Groups[g].RowStart && i < Groups[g].RowEnd;

    /// <summary>The typed error for a row whose logits are all −∞.</summary>
    public InvalidOperationException NoFiniteLogit(int b, int h, int i) =>
        new($"Attention '{Name}': query row {i} (batch {b}, head {h}) has no finite logit; every key is masked (bias or region bias −∞)");
}
