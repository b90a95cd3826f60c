namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>Disposes every cached step graph whose key is not in <paramref name="keep"/> (before building new ones: bounded memory).</summary>
    private void KeepSessions(IEnumerable<string> keep)
    {
        var wanted = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var key in _sessions.Keys.Where(k => !wanted.Contains(k)).ToArray())
        {
            _sessions[key].Dispose();
            _sessions.Remove(key);
        }
    }

    /// <summary>The cached step graph for <paramref name="spec"/>, built on first use.</summary>
    private StepGraph Session(StepGraphSpec spec)
    {
        string key = spec.Key;
        if (!_sessions.TryGetValue(key, out var graph))
        {
            graph = _model.Create(_transformerWeights, spec, _backend, DType);
            _sessions[key] = graph;
        }
        return graph;
    }

    private void DropSessions()
    {
        foreach (var graph in _sessions.Values)
        {
            graph.Dispose();
        }
        _sessions.Clear();
    }
}
