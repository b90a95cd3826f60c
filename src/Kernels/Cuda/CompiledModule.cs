namespace Locus.Kernels.Cuda;

/// <summary>The result of one NVRTC compilation.</summary>
/// <param name="Name">Program (source file) name.</param>
/// <param name="Arch">Target architecture.</param>
/// <param name="Image">CUBIN bytes, or NUL-terminated PTX.</param>
/// <param name="IsCubin">True for CUBIN (sm_XX targets).</param>
/// <param name="Log">Compiler log (warnings, ptxas -v output).</param>
/// <param name="Elapsed">Compile time (zero for a disk-cache hit).</param>
public sealed record CompiledModule(string Name, string Arch, byte[] Image, bool IsCubin, string Log, TimeSpan Elapsed);
