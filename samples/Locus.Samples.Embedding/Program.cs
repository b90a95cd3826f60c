// Locus embedded in a console application (see EditExample.cs for the library calls).
//   dotnet run --project samples/Locus.Samples.Embedding -- MODEL IMAGE EMBEDS OUT [MASK] [--device cpu|cuda|auto]
// Without arguments it writes the demo's tiny random-weight Kontext-shaped model, a source image, a mask and random
// prompt embeddings to a temporary folder and edits that (outputs are noise-like: the weights are random).
using Locus.Engine.IO.Images;
using Locus.Engine.Tensors;
using Locus.Models.Editing;
using Locus.Samples.Embedding;

string device = "cpu";
var positional = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--device" && i + 1 < args.Length)
    {
        device = args[++i];
    }
    else
    {
        positional.Add(args[i]);
    }
}
if (positional.Count is not (0 or 4 or 5))
{
    Console.Error.WriteLine("error: expected MODEL IMAGE EMBEDS OUT [MASK] [--device cpu|cuda|auto], or no arguments");
    return 2;
}
if (positional.Count == 0)
{
    string work = Directory.CreateTempSubdirectory("locus-sample-").FullName;
    positional.Add(TinyKontextModel.Write(Path.Combine(work, "model")));
    positional.Add(Path.Combine(work, "source.png"));
    positional.Add(Path.Combine(work, "prompt.safetensors"));
    positional.Add(Path.Combine(work, "edited.png"));
    positional.Add(Path.Combine(work, "mask.png"));
    SampleInputs.Write(positional[1], positional[2], positional[4]);
    Console.WriteLine($"no arguments: a tiny random-weight model and inputs in {work} (the output goes there too; delete the folder when done)");
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    await EditExample.RunAsync(positional[0], positional[1], positional[2], positional[3], positional.ElementAtOrDefault(4), device,
        Console.Out, cancel.Token);
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("error: cancelled");
    return 130;
}
catch (Exception e) when (e is Locus.Engine.IO.LocusException or ArgumentException or NotSupportedException or IOException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
