namespace Locus.Cli;

/// <summary>Runs a command body and turns every expected failure into one <c>error:</c> line and exit code 2.</summary>
public static class CliErrors
{
    /// <summary>Exit code for bad input (files, arguments).</summary>
    public const int BadInput = 2;

    /// <summary>Runs <paramref name="body"/>; prints <c>error: message</c> to stderr and returns 2 on failure.</summary>
    public static int Run(Func<int> body, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException
            or InvalidDataException or InvalidOperationException or NotSupportedException or Engine.Graph.GraphException
            or System.Text.Json.JsonException or Engine.IO.LocusException)
        {
            error.WriteLine("error: " + OneLine(Text(e)));
            return BadInput;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>
    /// The message without .NET's " (Parameter 'x')" suffix (the messages name what is wrong themselves); an out-of-range
    /// value's "Actual value was v." becomes "(got v)".
    /// </summary>
    internal static string Text(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            string tag = $" (Parameter '{name}')";
            int at = message.IndexOf(tag, StringComparison.Ordinal);
            if (at >= 0)
            {
                string rest = message[(at + tag.Length)..].Trim();
                const string actual = "Actual value was ";
                message = message[..at] + (rest.StartsWith(actual, StringComparison.Ordinal) ? $" (got {rest[actual.Length..].TrimEnd('.')})" : rest.Length > 0 ? " " + rest : "");
            }
        }
        return message;
    }
}
