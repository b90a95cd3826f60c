using System.CommandLine;
using System.Globalization;
using Locus.Kernels.Cuda;
using Locus.Kernels.Cuda.Attention;

namespace Locus.Cli.Commands;

/// <summary>
/// <c>locus bench attention</c>: device time of the CUDA attention kernels at one Kontext joint attention (default B = 1,
/// H = 24, N = 8704, D = 128, bf16): TFLOP/s (4·B·H·N²·D / t) of plain, + GRAG, + region bias, + bf16 bias, option
/// overheads as ratios to plain, and the 4096 × 512 capture as a fraction of one forward. Needs a GPU.
/// </summary>
public static class AttentionBenchCommand
{
    public static Command Create()
    {
        var tokens = new Option<int>("--tokens") { Description = "Sequence length N (≥ 4608)", DefaultValueFactory = _ => 8704 };
        var heads = new Option<int>("--heads") { Description = "Heads H", DefaultValueFactory = _ => 24 };
        var dim = new Option<int>("--dim") { Description = "Head dim D (64 or 128 use the tensor-core kernel)", DefaultValueFactory = _ => 128 };
        var iterations = new Option<int>("--iterations") { Description = "Timed launches per case", DefaultValueFactory = _ => 20 };
        var command = new Command("attention", "CUDA attention TFLOP/s and option overheads (GPU only).") { tokens, heads, dim, iterations };
        command.SetAction(parse => CliErrors.Run(() => Run(parse.GetValue(tokens), parse.GetValue(heads), parse.GetValue(dim), parse.GetValue(iterations), Console.Out)));
        return command;
    }

    /// <summary>Runs every case and prints one line each; returns the exit code.</summary>
    /// <exception cref="InvalidOperationException">no usable GPU.</exception>
    /// <exception cref="ArgumentException">an option is out of range.</exception>
    public static int Run(int tokens, int heads, int dim, int iterations, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (iterations < 1 || iterations > 1000)
        {
            throw new ArgumentException($"--iterations {iterations} must be in [1, 1000]", nameof(iterations));
        }
        if (tokens < 4608 || heads < 1 || dim < 1 || dim > 256)
        {
            throw new ArgumentException($"--tokens {tokens} must be ≥ 4608, --heads {heads} ≥ 1, --dim {dim} in [1, 256]", nameof(tokens));
        }
        if (!CudaBackend.IsAvailable(out string reason))
        {
            throw new InvalidOperationException("locus bench attention needs a GPU: " + reason);
        }
        using var backend = new CudaBackend();
        using var bench = new AttentionBench(backend, 1, heads, tokens, dim);
        output.WriteLine($"device: {backend.Context}  B=1 H={heads} N={tokens} D={dim} bf16, {iterations} launches per case");
        double plain = 0;
        foreach (string c in AttentionBench.Cases)
        {
            double ms = bench.Measure(c, iterations);
            if (c == "plain")
            {
                plain = ms;
            }
            string line = c == "capture"
                ? $"{c,-8} {ms,9:F3} ms  4096x512 block = {ms / plain * 100:F1}% of one plain forward"
                : $"{c,-8} {ms,9:F3} ms  {bench.ForwardFlops / (ms * 1e-3) / 1e12,7:F1} TFLOP/s  x{ms / plain:F3} vs plain";
            output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
        }
        return 0;
    }
}
