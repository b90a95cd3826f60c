using System.Text.RegularExpressions;
using Locus.Kernels.Cuda;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>Static checks of the embedded .cu sources against the catalog (no NVRTC needed).</summary>
public sealed partial class KernelSourceTests
{
    public static TheoryData<string> Modules()
    {
        var data = new TheoryData<string>();
        foreach (var m in KernelCatalog.All)
        {
            data.Add(m.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Source_CatalogModule_DefinesEveryEntryAsExternC(string module)
    {
        var m = KernelCatalog.Get(module);
        string src = KernelSources.Raw(m.SourceFile);
        foreach (var entry in m.Entries)
        {
            Assert.True(DefinesEntry(src, entry), $"{m.SourceFile} has no extern \"C\" __global__ definition of '{entry}'");
        }
    }

    [Fact]
    public void Sources_All_IncludeNoToolkitHeaders()
    {
        foreach (var file in KernelSources.Files)
        {
            Assert.DoesNotMatch(IncludeRegex(), KernelSources.Raw(file));
        }
    }

    [Fact]
    public void Get_KernelFile_PrependsCommonHeader()
    {
        string text = KernelSources.Get("elementwise.cu");
        Assert.StartsWith(KernelSources.Raw("common.cuh"), text, StringComparison.Ordinal);
        Assert.Contains("#line 1 \"elementwise.cu\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => KernelSources.Raw("nope.cu"));
        Assert.Contains("nope.cu", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A literal <c>extern "C" __global__ void name(</c>, or a <c>ROOT_ENTRY</c>-style macro
    /// <c>extern "C" __global__ void root_##S(</c> instantiated with <c>LOCUS_FOR_FLOAT_TYPES</c> (which yields the f32 and bf16 suffixes).
    /// </summary>
    private static bool DefinesEntry(string src, string entry)
    {
        if (Regex.IsMatch(src, $@"extern ""C"" __global__ void {Regex.Escape(entry)}\("))
        {
            return true;
        }
        int us = entry.LastIndexOf('_');
        string root = entry[..us], suffix = entry[(us + 1)..];
        if (suffix is not ("f32" or "bf16" or "f16"))
        {
            return false;
        }
        var macro = Regex.Match(src, $@"#define (\w+)\(S, T\) extern ""C"" __global__ void {Regex.Escape(root)}_##S\(");
        return macro.Success && src.Contains($"LOCUS_FOR_FLOAT_TYPES({macro.Groups[1].Value})", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"#\s*include\s*<")]
    private static partial Regex IncludeRegex();
}
