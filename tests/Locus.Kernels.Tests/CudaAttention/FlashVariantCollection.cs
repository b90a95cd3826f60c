using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>
/// Tests that flip the process-wide attention switches (<c>AttentionSelector.VariantOverride</c>,
/// <c>ForceGragLogitForm</c>) run alone, so no other test's launches see a flipped switch.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FlashVariantCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "CUDA attention switches";
}
