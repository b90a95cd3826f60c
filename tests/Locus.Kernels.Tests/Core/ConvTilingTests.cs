using Locus.Engine.Graph;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cpu.Core;
using Locus.Kernels.Parity;
using Xunit;

namespace Locus.Kernels.Tests.Core;

/// <summary>The CPU Conv2d with a tiny im2col budget, so every case runs over several pixel tiles (including a ragged last tile).</summary>
public sealed class ConvTilingTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    public void Conv2d_SmallColumnTiles_MatchReference(int tileFloats)
    {
        int saved = CpuConv.MaxColumnFloats;
        try
        {
            CpuConv.MaxColumnFloats = tileFloats;
            using var cpu = new CpuBackend();
            foreach (var c in OpCases.All.Where(c => c.Op == OpKind.Conv2d))
            {
                var r = ParityRunner.Run(c, cpu);
                Assert.True(r.Status == ParityStatus.Passed, r.ToString());
            }
        }
        finally
        {
            CpuConv.MaxColumnFloats = saved;
        }
    }
}
