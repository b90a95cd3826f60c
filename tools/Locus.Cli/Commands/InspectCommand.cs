using System.CommandLine;

namespace Locus.Cli.Commands;

/// <summary><c>locus inspect FILE</c>: lists the tensors of a safetensors file (or sharded index).</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .safetensors file or a *.safetensors.index.json" };
        var command = new Command("inspect", "List each tensor (name, dtype, shape, bytes) and the parameter count.") { file };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            Console.WriteLine($"TODO {parse.GetValue(file)!.FullName}");
            return 0;
        }));
        return command;
    }
}
