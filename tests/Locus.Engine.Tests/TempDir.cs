namespace Locus.Engine.Tests;

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        DirPath = Path.Combine(Path.GetTempPath(), "locus-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DirPath);
    }

    public string DirPath { get; }

    public string File(string name) => Path.Combine(DirPath, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(DirPath, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
