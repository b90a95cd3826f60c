using System.CommandLine;
using Locus.Engine.IO.Safetensors;
using Locus.Engine.Tensors;

namespace Locus.Cli.Commands;

/// <summary><c>locus inspect FILE</c>: lists the tensors of a safetensors file, sharded index or directory.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A .safetensors file, a *.safetensors.index.json, or a directory of them" };
        var command = new Command("inspect", "List each tensor (name, dtype, shape, bytes) and the parameter count.") { file };
        command.SetAction(parse =>
        {
            var config = parse.InvocationConfiguration;
            return CliErrors.Run(() => Run(parse.GetValue(file)!, config.Output), config.Error);
        });
        return command;
    }

    /// <summary>Prints one line per tensor, then the totals; returns the exit code.</summary>
    public static int Run(string path, TextWriter output)
    {
        using var index = SafetensorsIndex.Open(path);
        var rows = index.Names.Select(index.Get).ToList();
        int nameWidth = Math.Min(rows.Count == 0 ? 4 : rows.Max(r => r.Name.Length), 80);
        long parameters = 0, bytes = 0;
        foreach (var t in rows)
        {
            output.WriteLine($"{t.Name.PadRight(nameWidth)}  {t.DType.SafetensorsName(),-7} {t.Shape,-24} {t.ByteLength,12}");
            parameters += t.ElementCount;
            bytes += t.ByteLength;
        }
        output.WriteLine($"{rows.Count} tensors, {parameters} parameters, {bytes} bytes in {index.Files.Count} file(s)");
        return 0;
    }
}
