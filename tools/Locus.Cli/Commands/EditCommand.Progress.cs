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
