namespace Locus.Kernels.Parity;

/// <summary>Outcome of one case on one backend.</summary>
/// <param name="CaseName">The case.</param>
/// <param name="Backend">The backend under test.</param>
/// <param name="Status">Passed, failed or skipped.</param>
/// <param name="Nmse">Worst normalised MSE over the outputs.</param>
/// <param name="MaxAbs">Worst absolute difference.</param>
/// <param name="Detail">Why it failed or was skipped; first bad index and values.</param>
public sealed record ParityResult(string CaseName, string Backend, ParityStatus Status, double Nmse, double MaxAbs, string Detail)
{
    public override string ToString() => $"{Status,-7} {Backend,-8} {CaseName}  nmse={Nmse:E2} maxabs={MaxAbs:E2}{(Detail.Length > 0 ? "  " + Detail : "")}";
}

/// <summary>Parity outcome.</summary>
public enum ParityStatus
{
    Passed,
    Failed,
    Skipped,
}
