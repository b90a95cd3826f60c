using Locus.Models.Adapters;
using Locus.Models.MmDit;

namespace Locus.Models.Editing;

public sealed partial class EditPipeline
{
    /// <summary>What a step graph depends on besides the weights: token layout, text mask, GRAG layers, adapter grid.</summary>
    private static string SessionKey(SequenceLayout seq, bool textMask, GragSettings? grag, RegionAdapterBinding? adapter)
    {
        string layers = grag is null ? "-" : grag.Layers is null ? "all" : string.Join(",", grag.Layers.Order());
        string adapted = adapter is null ? "-" : $"{adapter.LatentHeight}x{adapter.LatentWidth}";
        return $"{seq}|{textMask}|{layers}|{adapted}";
    }

    /// <summary>Disposes every cached session whose key is not in <paramref name="keep"/> (before building new ones: bounded memory).</summary>
    private void KeepSessions(params string[] keep)
    {
        foreach (var key in _sessions.Keys.Where(k => !keep.Contains(k, StringComparer.Ordinal)).ToArray())
        {
            _sessions[key].Dispose();
            _sessions.Remove(key);
        }
    }

    private TransformerSession Session(string key, SequenceLayout seq, bool textMask, GragSettings? grag, RegionAdapterBinding? adapter)
    {
        if (_sessions.TryGetValue(key, out var session))
        {
            return session;
        }
        var options = grag is null ? null : new GragOptions { Layers = grag.Layers };
        session = _model.CreateSession(_transformerStore, seq, _backend, DType, textMask, options, adapter);
        _sessions[key] = session;
        return session;
    }

    private void DropSessions()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }
        _sessions.Clear();
    }
}
