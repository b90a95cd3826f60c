using System.Text;
using System.Text.RegularExpressions;
using Locus.Kernels.Cuda;
using Xunit;

namespace Locus.Kernels.Tests.Cuda;

/// <summary>Every catalog module compiles with NVRTC (no GPU needed) and exports each catalog entry; skipped without libnvrtc.</summary>
public sealed partial class NvrtcCompileTests
{
    public static TheoryData<string, string> ModulesByArch()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in KernelCatalog.All)
        {
            data.Add(m.Name, "compute_80");
            data.Add(m.Name, "sm_90");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModulesByArch))]
    public void Compile_CatalogModule_SucceedsAndExportsEveryEntry(string module, string arch)
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        var m = KernelCatalog.Get(module);
        var compiled = NvrtcCompiler.Compile(KernelSources.Get(m.SourceFile), m.SourceFile, arch, m.Options);
        Assert.NotEmpty(compiled.Image);
        Assert.Equal(arch.StartsWith("sm_", StringComparison.Ordinal), compiled.IsCubin);
        // Entry names are plain ASCII symbols in both PTX (".entry name(") and CUBIN (ELF symbol table).
        string text = Encoding.Latin1.GetString(compiled.Image);
        foreach (var entry in m.Entries)
        {
            bool found = compiled.IsCubin ? text.Contains("\0" + entry + "\0", StringComparison.Ordinal)
                : text.Contains(".entry " + entry + "(", StringComparison.Ordinal);
            Assert.True(found, $"{m.SourceFile} for {arch} does not export '{entry}'");
        }
    }

    [Fact]
    public void Compile_SyntaxError_ThrowsNvrtcExceptionWithLog()
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        var e = Assert.Throws<NvrtcException>(() => NvrtcCompiler.Compile("extern \"C\" __global__ void k() { undeclared_name = 1; }", "bad.cu", "compute_80"));
        Assert.Contains("undeclared_name", e.Log, StringComparison.Ordinal);
        Assert.Contains("bad.cu", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_PtxasVerbose_ReportsNoSpills()
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        foreach (var m in KernelCatalog.CoreModules)
        {
            var compiled = NvrtcCompiler.Compile(KernelSources.Get(m.SourceFile), m.SourceFile, "sm_90", [.. m.Options ?? [], "--ptxas-options=-v"]);
            foreach (Match spill in SpillRegex().Matches(compiled.Log))
            {
                Assert.True(spill.Groups[1].Value == "0", $"{m.SourceFile}: {spill.Value}");
            }
        }
    }

    [Fact]
    public void ParseArch_Malformed_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => NvrtcCompiler.ParseArch("hopper"));
        Assert.Contains("hopper", e.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(\d+) bytes spill stores")]
    private static partial Regex SpillRegex();
}
