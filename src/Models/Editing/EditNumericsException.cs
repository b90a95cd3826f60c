using Locus.Engine.IO;

namespace Locus.Models.Editing;

/// <summary>The model produced non-finite values (NaN or ±∞) during an edit: the edit stops instead of returning a broken image.</summary>
public sealed class EditNumericsException : LocusException
{
    /// <summary>Creates the exception with its message.</summary>
    public EditNumericsException(string message)
        : base(message)
    {
    }
}
