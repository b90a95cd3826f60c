using System.Reflection;
using Xunit;

namespace Locus.Engine.Tests;

/// <summary>The dependency rule (design.md §1): Models and Kernels reference Engine only; Engine references no Locus assembly.</summary>
public sealed class ArchitectureTests
{
    [Theory]
    [InlineData("Locus.Engine", new string[0])]
    [InlineData("Locus.Kernels", new[] { "Locus.Engine" })]
    [InlineData("Locus.Models", new[] { "Locus.Engine" })]
    public void Assembly_References_OnlyAllowedLocusAssemblies(string assembly, string[] allowed)
    {
        var references = Assembly.Load(new AssemblyName(assembly)).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Locus", StringComparison.Ordinal) || n == "locus")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void Models_ReferencesEngine()
    {
        // Guards the test above against passing vacuously (e.g. a renamed assembly).
        var names = Assembly.Load(new AssemblyName("Locus.Models")).GetReferencedAssemblies().Select(a => a.Name);
        Assert.Contains("Locus.Engine", names);
    }
}
