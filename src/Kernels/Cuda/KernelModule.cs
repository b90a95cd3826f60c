using Locus.Engine.Tensors;

namespace Locus.Kernels.Cuda;

/// <summary>
/// One NVRTC module: a source file and the entry points it must export, <c>&lt;root&gt;_&lt;dtype suffix&gt;</c>
/// for every root × dtype (e.g. <c>add_f32</c>, <c>add_bf16</c>), plus <see cref="ExtraEntries"/> without a dtype.
/// </summary>
/// <param name="Name">Module name (cache key), usually the file name without extension.</param>
/// <param name="SourceFile">Embedded .cu file under Cuda/Sources.</param>
/// <param name="Roots">Entry-point roots instantiated per dtype.</param>
/// <param name="DTypes">Dtypes each root is instantiated for.</param>
/// <param name="ExtraEntries">Entry points that exist once (no dtype suffix).</param>
/// <param name="Options">Extra NVRTC options (-D macros).</param>
public sealed record KernelModule(string Name, string SourceFile, string[] Roots, DType[] DTypes, string[]? ExtraEntries = null, string[]? Options = null)
{
    /// <summary>Every entry point name the module exports.</summary>
    public IEnumerable<string> Entries =>
        Roots.SelectMany(r => DTypes.Select(d => r + "_" + d.KernelSuffix())).Concat(ExtraEntries ?? []);
}
