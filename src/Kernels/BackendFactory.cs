using System.Globalization;
using Locus.Engine.Backends;
using Locus.Kernels.Cpu;
using Locus.Kernels.Cuda;
using Locus.Kernels.Reference;

namespace Locus.Kernels;

/// <summary>
/// Opens a backend by device name, for applications and the CLI: <c>"cpu"</c> (the embedded default),
/// <c>"cuda"</c> or <c>"cuda:N"</c> (GPU N), <c>"auto"</c> (CUDA device 0 when <see cref="CudaBackend.IsAvailable"/>,
/// otherwise the CPU) and <c>"reference"</c> (the scalar oracle, slow). The caller owns (disposes) the result.
/// </summary>
public static class BackendFactory
{
    /// <summary>The device names <see cref="Open"/> accepts ("cuda:N" also names GPU N).</summary>
    public static IReadOnlyList<string> DeviceNames { get; } = ["cpu", "cuda", "auto", "reference"];

    /// <summary>Opens the backend named by <paramref name="device"/> (see the class summary).</summary>
    /// <param name="device">Device name; case-insensitive.</param>
    /// <param name="argumentName">The name errors report for the device (e.g. "--device").</param>
    /// <exception cref="ArgumentException">The name is not one of <see cref="DeviceNames"/> or "cuda:N".</exception>
    /// <exception cref="NotSupportedException">CUDA was asked for and is not usable here; the message says why.</exception>
    public static IBackend Open(string device, string argumentName = "device")
    {
        int ordinal = Parse(device, argumentName);
        switch (ordinal)
        {
            case Cpu:
                return new CpuBackend();
            case Reference:
                return new ReferenceBackend();
            case Auto:
                return CudaBackend.IsAvailable(out _) ? new CudaBackend() : new CpuBackend();
        }
        if (!CudaBackend.IsAvailable(out string reason))
        {
            throw new NotSupportedException($"{argumentName} {device}: CUDA is not usable here: {reason}");
        }
        return new CudaBackend(ordinal);
    }

    /// <summary>Checks a device name without opening anything (for early argument validation).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="DeviceNames"/> or "cuda:N".</exception>
    public static void ValidateName(string device, string argumentName = "device") => Parse(device, argumentName);

    private const int Cpu = -1, Reference = -2, Auto = -3;

    /// <summary>The CUDA ordinal ("cuda" → 0, "cuda:N" → N) or one of the negative codes above.</summary>
    private static int Parse(string device, string argumentName)
    {
        ArgumentNullException.ThrowIfNull(device);
        string name = device.Trim().ToLowerInvariant();
        switch (name)
        {
            case "cpu":
                return Cpu;
            case "reference":
                return Reference;
            case "auto":
                return Auto;
            case "cuda":
                return 0;
        }
        if (name.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal))
        {
            return ordinal;
        }
        throw new ArgumentException($"{argumentName} '{device}' is not one of {string.Join(", ", DeviceNames)} or cuda:N", argumentName);
    }
}
