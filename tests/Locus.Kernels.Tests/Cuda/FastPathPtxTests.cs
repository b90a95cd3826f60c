using System.Text;
using Locus.Kernels.Cuda;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>The fast-path entries really use 16-byte vector memory operations (checked in the compute_80 PTX).</summary>
public sealed class FastPathPtxTests
{
    [Theory]
    [InlineData("elementwise", "add_fast_bf16")]
    [InlineData("elementwise", "silu_fast_f32")]
    [InlineData("elementwise", "gelu_tanh_fast_f16")]
    [InlineData("convert", "convert_fast_f32_bf16")]
    [InlineData("modulate", "modulate_fast_bf16")]
    [InlineData("modulate", "gated_residual_fast_bf16")]
    [InlineData("modulate", "rope_fast_bf16")]
    public void Ptx_FastEntry_HasVectorLoadAndStore(string module, string entry)
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        var m = KernelCatalog.Get(module);
        var compiled = NvrtcCompiler.Compile(KernelSources.Get(m.SourceFile), m.SourceFile, "compute_80", m.Options);
        string ptx = Encoding.ASCII.GetString(compiled.Image);
        string body = EntryBody(ptx, entry);
        Assert.Matches(@"ld\.global(\.nc)?\.v[24]\.(u32|b32|f32)", body);
        Assert.Matches(@"st\.global\.v[24]\.(u32|b32|f32)", body);
    }

    private static string EntryBody(string ptx, string entry)
    {
        int start = ptx.IndexOf(".entry " + entry + "(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{entry} not in the PTX");
        int next = ptx.IndexOf(".entry ", start + 7, StringComparison.Ordinal);
        return next < 0 ? ptx[start..] : ptx[start..next];
    }
}
