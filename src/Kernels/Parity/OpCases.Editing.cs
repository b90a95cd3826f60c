namespace Locus.Kernels.Parity;

public static partial class OpCases
{
    /// <summary>Cases of the Editing op family.</summary>
    private static IEnumerable<OpCase> EditingCases()
    {
        yield break;
    }
}
