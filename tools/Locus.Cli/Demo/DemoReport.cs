using System.Globalization;
using System.Net;
using System.Text;

namespace Locus.Cli.Demo;

/// <summary>Writes the demo's index.html: the notice, the inputs and one row per run (images + per-stage timings).</summary>
public static class DemoReport
{
    /// <summary>One demo run.</summary>
    public sealed record Row(string Title, string Image, string? Mask, double EncodeSeconds, double StepsSeconds, double DecodeSeconds, int Steps)
    {
        /// <summary>The mask stage (adapter prelude / attention localisation), 0 when there is none.</summary>
        public double MaskSeconds { get; init; }

        /// <summary>An attention heat map of the run (instruction tokens), or null.</summary>
        public string? Map { get; init; }
    }

    /// <summary>Writes <paramref name="path"/>.</summary>
    public static void Write(string path, string notice, string source, string mask, IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Locus demo</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em}img{image-rendering:pixelated;width:288px;border:1px solid #ccc}"
            + "td,th{padding:6px;vertical-align:top;text-align:left}.notice{background:#fff3cd;padding:1em;border:1px solid #e0c060}</style></head><body>");
        html.AppendLine("<h1>Locus edit pipeline demo</h1>");
        html.Append("<p class=\"notice\">").Append(WebUtility.HtmlEncode(notice)).AppendLine("</p>");
        html.AppendLine("<h2>Inputs</h2><table><tr><th>source</th><th>user mask (ellipse)</th></tr><tr>");
        html.Append(CultureInfo.InvariantCulture, $"<td><img src=\"{Enc(source)}\"></td><td><img src=\"{Enc(mask)}\"></td></tr></table>").AppendLine();
        html.AppendLine("<h2>Runs</h2><table><tr><th>run</th><th>output</th><th>mask used</th><th>timings</th></tr>");
        foreach (var r in rows)
        {
            string maskCell = (r.Mask is null ? "none" : $"<img src=\"{Enc(r.Mask)}\">")
                + (r.Map is null ? "" : $"<br>attention map of the instruction tokens:<br><img src=\"{Enc(r.Map)}\">");
            html.Append(inv, $"<tr><td>{WebUtility.HtmlEncode(r.Title)}</td><td><img src=\"{Enc(r.Image)}\"></td><td>{maskCell}</td>");
            html.Append(inv, $"<td>VAE encode {r.EncodeSeconds:0.000} s<br>{(r.MaskSeconds > 0 ? $"mask stage {r.MaskSeconds:0.000} s<br>" : "")}{r.Steps} steps {r.StepsSeconds:0.000} s ({r.Steps / Math.Max(r.StepsSeconds, 1e-9):0.0} it/s)<br>VAE decode {r.DecodeSeconds:0.000} s</td></tr>");
            html.AppendLine();
        }
        html.AppendLine("</table></body></html>");
        File.WriteAllText(path, html.ToString());
    }

    private static string Enc(string file) => WebUtility.HtmlEncode(file);
}
