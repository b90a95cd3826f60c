using System.Globalization;
using Locus.Models.Editing;

namespace Locus.Cli.Commands;

public static partial class EditCommand
{
    /// <summary>Step progress: a redrawn bar with it/s and ETA on a terminal, one plain line per step otherwise.</summary>
    internal sealed class ProgressWriter(TextWriter output, bool terminal) : IProgress<EditProgress>
    {
        private const int BarWidth = 30;
        private bool _drawn;

        public void Report(EditProgress value)
        {
            if (value.Stage == EditStage.Load)
            {
                ReportLoad(value);
                return;
            }
            if (value.Stage != EditStage.Denoise)
            {
                Finish();
                output.WriteLine(value.Stage switch
                {
                    EditStage.Encode => "encoding the source (VAE)…",
                    EditStage.Mask => "mask stage (region adapter / attention mask)…",
                    _ => "decoding (VAE)…",
                });
                return;
            }
            string rate = string.Create(CultureInfo.InvariantCulture, $"{value.ItPerSecond:0.00} it/s");
            string eta = value.Eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
            if (terminal)
            {
                int filled = value.StepCount == 0 ? BarWidth : value.Step * BarWidth / value.StepCount;
                output.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {value.Step}/{value.StepCount}  {rate}  ETA {eta} ");
                _drawn = true;
            }
            else
            {
                output.WriteLine($"step {value.Step}/{value.StepCount}  {rate}  ETA {eta}");
            }
        }

        /// <summary>Weight upload: a bar with bytes and ETA on a terminal; one line when it starts otherwise.</summary>
        private void ReportLoad(EditProgress value)
        {
            if (value.Step == 0)
            {
                Finish();
                if (!terminal)
                {
                    output.WriteLine($"loading weights ({Bytes(value.BytesTotal)})…");
                }
                return;
            }
            if (terminal)
            {
                int filled = value.BytesTotal == 0 ? BarWidth : (int)(value.BytesLoaded * BarWidth / value.BytesTotal);
                string eta = value.Eta.ToString(@"m\:ss", CultureInfo.InvariantCulture);
                output.Write($"\rloading weights [{new string('#', filled)}{new string('.', BarWidth - filled)}] {Bytes(value.BytesLoaded)} / {Bytes(value.BytesTotal)}  ETA {eta} ");
                _drawn = true;
            }
        }

        /// <summary>"812.4 MB", "23.80 GB" (decimal units).</summary>
        internal static string Bytes(long bytes) => bytes >= 1_000_000_000
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

        /// <summary>Ends the bar line.</summary>
        public void Finish()
        {
            if (_drawn)
            {
                output.WriteLine();
                _drawn = false;
            }
        }
    }
}
