using System.CommandLine;
using Locus.Cli.Commands;

namespace Locus.Cli;

/// <summary>The <c>locus</c> command: composition root that picks a backend and runs one job.</summary>
public static class Program
{
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The root command with every subcommand (also used by the CLI tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Locus: local image editing with MM-DiT editors (FLUX.1-Kontext, Qwen-Image-Edit) on the CPU or an NVIDIA GPU.");
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static IEnumerable<Command> Commands()
    {
        yield return InspectCommand.Create();
        yield return ParityCommand.Create();
        var bench = BenchCommand.Create();
        bench.Subcommands.Add(ModelBenchCommand.Create());
        bench.Subcommands.Add(AttentionBenchCommand.Create());
        bench.Subcommands.Add(EditBenchCommand.Create());
        yield return bench;
        yield return ForwardCommand.Create();
        yield return KernelsCommand.Create();
        yield return EditCommand.Create();
        yield return DemoCommand.Create();
        yield return AdapterCommand.Create();
    }
}
