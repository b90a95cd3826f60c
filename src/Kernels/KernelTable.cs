using Locus.Engine.Backends;
using Locus.Engine.Graph;

namespace Locus.Kernels;

/// <summary>Runs one node: reads <paramref name="sources"/>, writes <paramref name="output"/> (and <paramref name="aux"/>).</summary>
public delegate void KernelFunc(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux);

/// <summary>Says why a node is not supported (null = supported).</summary>
public delegate string? KernelCheck(Node node);

/// <summary>
/// The op → kernel map of one backend. Each op family registers its kernels from its own file
/// (<c>XxxKernels.Register(table)</c>), so families can be written independently.
/// </summary>
public sealed class KernelTable
{
    private readonly Dictionary<OpKind, (KernelFunc Run, KernelCheck? Check)> _kernels = new();

    /// <summary>Registers the kernel of <paramref name="op"/>; <paramref name="check"/> may refuse nodes (dtype, shape).</summary>
    public void Add(OpKind op, KernelFunc run, KernelCheck? check = null)
    {
        if (!_kernels.TryAdd(op, (run, check)))
        {
            throw new InvalidOperationException($"a kernel for {op} is registered twice");
        }
    }

    /// <summary>Ops that have a kernel.</summary>
    public IEnumerable<OpKind> Ops => _kernels.Keys;

    /// <summary>True if the op has a kernel.</summary>
    public bool Contains(OpKind op) => _kernels.ContainsKey(op);

    /// <summary>Whether the node can run here and, if not, why.</summary>
    public bool Supports(Node node, out string? reason)
    {
        if (!_kernels.TryGetValue(node.Op, out var k))
        {
            reason = $"no kernel for {node.Op}";
            return false;
        }
        reason = k.Check?.Invoke(node);
        return reason is null;
    }

    /// <summary>Runs the node's kernel.</summary>
    public void Execute(Node node, ReadOnlySpan<BoundTensor> sources, BoundTensor output, BoundTensor? aux)
    {
        if (!_kernels.TryGetValue(node.Op, out var k))
        {
            throw new NotSupportedException($"no kernel for {node.Op} (node '{node.Name}')");
        }
        k.Run(node, sources, output, aux);
    }
}
