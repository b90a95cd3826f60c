using System.Text.RegularExpressions;
using Locus.Kernels.Cuda;
using Xunit;

namespace Locus.Kernels.Tests.CudaAttention;

/// <summary>
/// Every attention module compiles to CUBIN for sm_80 and sm_90 with no register spills and within the register budget
/// (parsed from ptxas -v); skipped without libnvrtc. (KernelCatalog's own test checks compute_80 PTX and the entry list.)
/// </summary>
public sealed partial class AttentionNvrtcTests
{
    // Forward kernels hold Q fragments (32 regs at D = 128), the O accumulator (64) and S (32); 255 is the hardware cap.
    private const int MaxRegisters = 255;

    public static TheoryData<string, string> ModulesByArch()
    {
        var data = new TheoryData<string, string>();
        foreach (var m in CudaAttentionKernels.Modules)
        {
            data.Add(m.Name, "sm_80");
            data.Add(m.Name, "sm_90");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModulesByArch))]
    public void Compile_AttentionModule_NoSpillsWithinRegisterBudget(string module, string arch)
    {
        Assert.SkipUnless(NvrtcCompiler.IsAvailable(out string reason), reason);
        var m = KernelCatalog.Get(module);
        var compiled = NvrtcCompiler.Compile(KernelSources.Get(m.SourceFile), m.SourceFile, arch, [.. m.Options ?? [], "--ptxas-options=-v"]);
        Assert.True(compiled.IsCubin);
        var entries = EntryRegex().Matches(compiled.Log).Select(x => x.Groups[1].Value).ToHashSet();
        foreach (string entry in m.Entries)
        {
            Assert.Contains(entry, entries);
        }
        var spills = SpillRegex().Matches(compiled.Log);
        Assert.Equal(entries.Count, spills.Count);
        foreach (Match s in spills)
        {
            Assert.True(s.Groups[1].Value == "0", $"{module} {arch}: {s.Value}\n{compiled.Log}");
        }
        foreach (Match r in RegisterRegex().Matches(compiled.Log))
        {
            Assert.InRange(int.Parse(r.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, MaxRegisters);
        }
    }

    [GeneratedRegex(@"Compiling entry function '(\w+)'")]
    private static partial Regex EntryRegex();

    [GeneratedRegex(@"(\d+) bytes spill stores")]
    private static partial Regex SpillRegex();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegisterRegex();
}
