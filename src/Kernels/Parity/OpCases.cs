namespace Locus.Kernels.Parity;

/// <summary>
/// The one shared list of parity cases, used by the xunit parity tests, the coverage test and
/// <c>locus parity</c>, for every backend. Each op family adds its cases from its own file.
/// </summary>
public static partial class OpCases
{
    /// <summary>Every case.</summary>
    public static IReadOnlyList<OpCase> All { get; } = [.. CoreCases(), .. MatrixCases(), .. EditingCases(), .. CudaPathCases()];
}
