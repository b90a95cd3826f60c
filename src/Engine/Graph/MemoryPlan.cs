namespace Locus.Engine.Graph;

/// <summary>One planned storage block: a node's output (or auxiliary output) in the arena.</summary>
/// <param name="Node">The node that writes it.</param>
/// <param name="IsAux">True for the node's auxiliary output.</param>
/// <param name="Offset">Byte offset in the arena.</param>
/// <param name="ByteLength">Bytes.</param>
/// <param name="FirstStep">Index (in <see cref="Graph.Nodes"/>) where it is written.</param>
/// <param name="LastStep">Last index where it is read (or the end for inputs and outputs).</param>
public readonly record struct PlannedBlock(Node Node, bool IsAux, long Offset, long ByteLength, int FirstStep, int LastStep)
{
    /// <summary>True when both blocks are live at some step.</summary>
    public bool LifetimeOverlaps(PlannedBlock other) => FirstStep <= other.LastStep && other.FirstStep <= LastStep;

    /// <summary>True when both blocks share a byte.</summary>
    public bool MemoryOverlaps(PlannedBlock other) =>
        ByteLength > 0 && other.ByteLength > 0 && Offset < other.Offset + other.ByteLength && other.Offset < Offset + ByteLength;
}

/// <summary>Arena layout of a graph: one offset per storage block, reused once a value is dead.</summary>
public sealed class MemoryPlan
{
    internal MemoryPlan(long arenaBytes, IReadOnlyList<PlannedBlock> blocks)
    {
        ArenaBytes = arenaBytes;
        Blocks = blocks;
        _primary = blocks.Where(b => !b.IsAux).ToDictionary(b => b.Node.Id);
        _aux = blocks.Where(b => b.IsAux).ToDictionary(b => b.Node.Id);
    }

    private readonly Dictionary<int, PlannedBlock> _primary;
    private readonly Dictionary<int, PlannedBlock> _aux;

    /// <summary>Arena size in bytes.</summary>
    public long ArenaBytes { get; }

    /// <summary>All blocks.</summary>
    public IReadOnlyList<PlannedBlock> Blocks { get; }

    /// <summary>Sum of all block sizes (what a planner without reuse would need).</summary>
    public long UnplannedBytes => Blocks.Sum(b => b.ByteLength);

    /// <summary>The block of a node's primary (or auxiliary) output.</summary>
    public PlannedBlock BlockOf(Node node, bool aux = false) =>
        (aux ? _aux : _primary).TryGetValue(node.Id, out var b) ? b : throw new KeyNotFoundException($"node '{node.Name}' has no planned {(aux ? "auxiliary " : "")}storage");
}
