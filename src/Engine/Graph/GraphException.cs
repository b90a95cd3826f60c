namespace Locus.Engine.Graph;

/// <summary>A graph was built wrongly: shapes or dtypes that do not fit, names that clash. The message names the node.</summary>
public sealed class GraphException : Exception
{
    public GraphException(string message)
        : base(message)
    {
    }

    public GraphException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
