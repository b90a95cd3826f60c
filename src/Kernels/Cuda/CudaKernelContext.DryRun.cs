namespace Locus.Kernels.Cuda;

public sealed partial class CudaKernelContext
{
    /// <summary>Largest dynamic shared memory per block with the opt-in attribute on sm_90 (227 KB).</summary>
    public const int MaxSharedBytesOptIn = 232448;

    private readonly int _dryMultiprocessors;
    private readonly Dictionary<int, long> _dryScratchSlots = new();
    private readonly List<(string Module, string Entry)> _dryFunctions = [];
    private long _dryScratch;

    /// <summary>
    /// A context with no device that runs every launcher's host code and checks what it would send to the GPU, without
    /// launching: each launch's grid (x ≤ 2³¹ − 1, y and z ≤ 65 535, none 0), block (≤ 1024 threads, z ≤ 64) and dynamic
    /// shared memory (≤ <see cref="MaxSharedBytesOptIn"/>), and that each kernel entry is one its module exports. Copies
    /// are dropped (device-to-host copies read zeros), cuBLASLt calls check their shapes, scratch and workspace get
    /// stand-in addresses. Tensors must live in <see cref="IDeviceMemory"/> buffers. With <paramref name="checkArguments"/>
    /// each launch's argument sizes must also equal the kernel's parameters as NVRTC compiles them (PTX, once per module and
    /// process). For planning full-size runs on a machine without a GPU (tests); <see cref="DryLaunches"/> counts the
    /// launches checked.
    /// </summary>
    /// <param name="multiprocessors">SM count the grid heuristics assume (132: H100 SXM).</param>
    /// <param name="checkArguments">Compare argument sizes with the PTX parameters (needs NVRTC, see <see cref="NvrtcCompiler.IsAvailable"/>).</param>
    public static CudaKernelContext DryRun(int multiprocessors = 132, bool checkArguments = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(multiprocessors, 1);
        return new CudaKernelContext(multiprocessors, checkArguments);
    }

    private CudaKernelContext(int dryMultiprocessors, bool checkArguments)
        : this()
    {
        _dryMultiprocessors = dryMultiprocessors;
        IsDryRun = true;
        ChecksArguments = checkArguments;
    }

    /// <summary>True when a dry run compares launch arguments with the kernels' PTX parameters.</summary>
    public bool ChecksArguments { get; }

    /// <summary>True for a <see cref="DryRun"/> context: nothing reaches a device.</summary>
    public bool IsDryRun { get; }

    /// <summary>Kernel launches checked by a dry run.</summary>
    public long DryLaunches { get; private set; }

    /// <summary>cuBLASLt GEMMs checked by a dry run.</summary>
    public long DryGemms { get; private set; }

    /// <summary>
    /// Device scratch a real run would hold after the same launches: the largest request of each scratch slot, plus the
    /// cuBLASLt workspace once a GEMM ran (the buffers <see cref="Scratch"/> and <see cref="BlasWorkspace"/> keep).
    /// </summary>
    public long DryScratchBytes
    {
        get
        {
            lock (_lock)
            {
                return _dryScratchSlots.Values.Sum();
            }
        }
    }

    /// <summary>SMs of the device (the dry run's assumed count without one).</summary>
    public int MultiprocessorCount => IsDryRun ? _dryMultiprocessors : Context.MultiprocessorCount;

    /// <summary>The stand-in CUfunction of a dry run: checks that <paramref name="module"/> exports <paramref name="entry"/>.</summary>
    private nint DryFunction(string module, string entry)
    {
        var m = KernelCatalog.Get(module);
        if (!m.Entries.Contains(entry, StringComparer.Ordinal))
        {
            throw new CudaException("cuModuleGetFunction", 500, $"CUDA module '{module}' exports no kernel '{entry}' (dry run)");
        }
        lock (_lock)
        {
            int i = _dryFunctions.IndexOf((module, entry));
            if (i < 0)
            {
                _dryFunctions.Add((module, entry));
                i = _dryFunctions.Count - 1;
            }
            return i + 1;
        }
    }

    private void DryLaunch(nint function, LaunchConfig c, KernelArguments arguments)
    {
        if (ChecksArguments)
        {
            DryArguments(function, arguments);
        }
        long threads = (long)c.BlockX * c.BlockY * c.BlockZ;
        string? why = c.GridX is 0 || c.GridY is 0 || c.GridZ is 0 ? "an empty grid"
            : c.GridX > int.MaxValue || c.GridY > 65535 || c.GridZ > 65535 ? "a grid over (2³¹ − 1, 65535, 65535)"
            : threads is < 1 or > 1024 || c.BlockZ > 64 ? "a block over 1024 threads (or z over 64)"
            : c.SharedBytes > MaxSharedBytesOptIn ? $"dynamic shared memory over {MaxSharedBytesOptIn} bytes"
            : null;
        if (why is not null)
        {
            throw new CudaException("cuLaunchKernel", 1, $"cuLaunchKernel({c}) would be refused: {why} (dry run)");
        }
        DryLaunches++;
    }

    private void DryArguments(nint function, KernelArguments arguments)
    {
        (string module, string entry) = function >= 1 && function <= _dryFunctions.Count ? _dryFunctions[(int)function - 1]
            : throw new ArgumentException($"function handle {function} did not come from this dry-run context", nameof(function));
        if (!PtxSignatures.Of(module).TryGetValue(entry, out var parameters))
        {
            throw new CudaException("cuModuleGetFunction", 500, $"the PTX of CUDA module '{module}' has no entry '{entry}' (dry run)");
        }
        int[] given = arguments.Sizes.ToArray();
        if (!given.AsSpan().SequenceEqual(parameters))
        {
            throw new CudaException("cuLaunchKernel", 1, $"{module}.{entry} takes parameters of [{string.Join(", ", parameters)}] bytes, "
                + $"the launcher passes [{string.Join(", ", given)}] (dry run)");
        }
    }

    private ulong DryScratch(int slot, long bytes)
    {
        lock (_lock)
        {
            _dryScratchSlots[slot] = Math.Max(_dryScratchSlots.GetValueOrDefault(slot), Math.Max(bytes, 256));
            // Distinct, 256-byte aligned stand-in addresses (alignment picks vectorised paths, as cuMemAlloc's would).
            _dryScratch++;
            return 0x7f00_0000_0000UL + ((ulong)_dryScratch << 32);
        }
    }

    private void DryGemm(GemmSpec s)
    {
        if (s.M < 1 || s.N < 1 || s.K < 1 || s.Batch < 1
            || s.Lda < (s.TransA ? s.K : s.M) || s.Ldb < (s.TransB ? s.N : s.K) || s.Ldd < s.M)
        {
            throw new CudaException("cublasLtMatmul", 7, $"cuBLASLt would reject {s} (dry run)");
        }
        lock (_lock)
        {
            _dryScratchSlots[int.MinValue] = BlasWorkspaceBytes;   // the cuBLASLt workspace, as a slot of its own
            DryGemms++;
        }
    }
}
