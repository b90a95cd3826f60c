namespace Locus.Kernels.Parity;

public static partial class OpCases
{
    /// <summary>Cases of the Matrix op family.</summary>
    private static IEnumerable<OpCase> MatrixCases()
    {
        yield break;
    }
}
