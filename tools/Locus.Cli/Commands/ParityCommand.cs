using System.CommandLine;
using Locus.Engine.Backends;
using Locus.Engine.Graph;
using Locus.Kernels;
using Locus.Kernels.Cuda;
using Locus.Kernels.Parity;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus parity [--op NAME] [--backend cpu|cuda|reference] [--perf]</c>: runs the shared parity cases
/// (<see cref="OpCases.All"/>) on a backend against the reference, one line per case, then the totals;
/// exit 1 if any case failed. CUDA cases are reported as skipped, with the reason, when no GPU is usable.
/// </summary>
public static class ParityCommand
{
    public static Command Create()
    {
        var op = new Option<string?>("--op") { Description = "Only cases of this op (an OpKind name, e.g. RmsNorm)" };
        var backend = new Option<string>("--backend") { Description = "Backend under test", DefaultValueFactory = _ => "cpu" };
        backend.AcceptOnlyFromAmong("cpu", "cuda", "reference");
        var perf = new Option<bool>("--perf") { Description = "Also print the time per case on the backend (mean of 5 runs after a warm-up)" };
        var command = new Command("parity", "Compare every op case on a backend against the reference kernels (NMSE, NaN/Inf, guard bytes).") { op, backend, perf };
        command.SetAction(parse => CliErrors.Run(() => Execute(parse.GetValue(op), parse.GetValue(backend)!, parse.GetValue(perf), Console.Out)));
        return command;
    }

    /// <summary>Runs the selected cases and writes the report; returns the exit code (0 all passed or skipped, 1 any failed).</summary>
    /// <exception cref="ArgumentException"><paramref name="op"/> is not an op name, or the backend is unknown.</exception>
    public static int Execute(string? op, string backendName, bool perf, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IEnumerable<OpCase> cases = OpCases.All;
        if (op is not null)
        {
            if (!Enum.TryParse<OpKind>(op, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                throw new ArgumentException($"--op '{op}' is not an op (ops: {string.Join(", ", Enum.GetNames<OpKind>())})");
            }
            cases = cases.Where(c => c.Op == kind);
        }
        var results = new List<ParityResult>();
        using (var backend = OpenBackend(backendName, out string? unavailable))
        {
            foreach (var c in cases)
            {
                var r = backend is null
                    ? new ParityResult(c.Name, backendName, ParityStatus.Skipped, 0, 0, unavailable!)
                    : ParityRunner.Run(c, backend);
                results.Add(r);
                string time = perf && backend is not null && r.Status == ParityStatus.Passed
                    ? $"  time={ParityRunner.MeasureMilliseconds(c, backend):F3}ms"
                    : "";
                output.WriteLine(r + time);
            }
        }
        int passed = results.Count(r => r.Status == ParityStatus.Passed);
        int failed = results.Count(r => r.Status == ParityStatus.Failed);
        int skipped = results.Count(r => r.Status == ParityStatus.Skipped);
        output.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed > 0 ? 1 : 0;
    }

    /// <summary>The backend by name (<see cref="BackendFactory"/>); null (with the reason) when CUDA is not usable here.</summary>
    private static IBackend? OpenBackend(string name, out string? unavailable)
    {
        unavailable = null;
        if (name == "cuda" && !CudaBackend.IsAvailable(out string reason))
        {
            unavailable = "CUDA unavailable: " + reason;
            return null;
        }
        return BackendFactory.Open(name, "--backend");
    }
}
