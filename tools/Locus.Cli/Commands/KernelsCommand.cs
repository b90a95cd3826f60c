using System.CommandLine;
using System.Globalization;
using Locus.Kernels.Cuda;

namespace Locus.Cli.Commands;

/// <summary><c>locus kernels list|compile|bench</c>: the CUDA kernel catalog, an NVRTC compile check (no GPU needed), quick GPU figures.</summary>
public static class KernelsCommand
{
    public static Command Create()
    {
        var command = new Command("kernels", "CUDA kernels: list the catalog, compile every module with NVRTC, or run quick GPU benchmarks.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Compile());
        command.Subcommands.Add(Bench());
        return command;
    }

    private static Command List()
    {
        var list = new Command("list", "Print each module, its source file and its entry points.");
        list.SetAction(_ => CliErrors.Run(() =>
        {
            foreach (var m in KernelCatalog.All)
            {
                Console.WriteLine($"{m.Name} ({m.SourceFile}): {string.Join(' ', m.Entries)}");
            }
            return 0;
        }));
        return list;
    }

    private static Command Compile()
    {
        var arch = new Option<string[]>("--arch") { Description = "Target(s): sm_90 (CUBIN), compute_80 (PTX), ... (repeatable)", AllowMultipleArgumentsPerToken = true };
        var module = new Option<string[]>("--module") { Description = "Only these modules (default: all)" };
        var verbose = new Option<bool>("--verbose") { Description = "Print the NVRTC log (ptxas -v register and spill counts)" };
        var compile = new Command("compile", "Compile every catalog module with NVRTC; one line per module × arch; exit 1 on any failure.") { arch, module, verbose };
        compile.SetAction(parse => CliErrors.Run(() =>
        {
            if (!NvrtcCompiler.IsAvailable(out string why))
            {
                Console.Error.WriteLine("error: " + why);
                return 1;
            }
            Console.WriteLine(why);
            var archs = parse.GetValue(arch) is { Length: > 0 } a ? a : ["compute_80", "sm_90"];
            foreach (var x in archs)
            {
                NvrtcCompiler.ParseArch(x);
            }
            var only = parse.GetValue(module) ?? [];
            var modules = only.Length == 0 ? KernelCatalog.All : only.Select(KernelCatalog.Get).ToArray();
            bool v = parse.GetValue(verbose);
            int failures = 0;
            foreach (var m in modules)
            {
                foreach (var x in archs)
                {
                    failures += CompileOne(m, x, v) ? 0 : 1;
                }
            }
            Console.WriteLine(failures == 0 ? $"all {modules.Count * archs.Length} compiled" : $"{failures} of {modules.Count * archs.Length} failed");
            return failures == 0 ? 0 : 1;
        }));
        return compile;
    }

    private static bool CompileOne(KernelModule m, string arch, bool verbose)
    {
        try
        {
            var options = verbose ? [.. m.Options ?? [], "--ptxas-options=-v"] : m.Options;
            var c = NvrtcCompiler.Compile(KernelSources.Get(m.SourceFile), m.SourceFile, arch, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ok   {m.Name,-22} {arch,-11} {c.Elapsed.TotalMilliseconds,7:F0} ms  {(c.IsCubin ? "CUBIN" : "PTX"),-5} {c.Image.Length,9:N0} B"));
            if (verbose && c.Log.Length > 0)
            {
                Console.WriteLine(c.Log.TrimEnd());
            }
            return true;
        }
        catch (NvrtcException e)
        {
            Console.WriteLine($"FAIL {m.Name,-22} {arch,-11} {e.Message}");
            return false;
        }
    }

    private static Command Bench()
    {
        var quick = new Option<bool>("--quick") { Description = "Fewer repetitions" };
        var bench = new Command("bench", "Quick CUDA figures (GEMM TFLOP/s vs raw cuBLASLt, elementwise/norm GB/s vs a device copy) without BenchmarkDotNet.") { quick };
        bench.SetAction(parse => CliErrors.Run(() =>
        {
            if (!CudaBackend.IsAvailable(out string why))
            {
                Console.Error.WriteLine("error: CUDA unavailable: " + why);
                return 1;
            }
            CudaQuickBench.Run(Console.Out, parse.GetValue(quick));
            return 0;
        }));
        return bench;
    }
}
