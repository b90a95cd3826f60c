namespace Locus.Kernels.Parity;

public static partial class OpCases
{
    /// <summary>Cases of the Core op family.</summary>
    private static IEnumerable<OpCase> CoreCases()
    {
        yield break;
    }
}
