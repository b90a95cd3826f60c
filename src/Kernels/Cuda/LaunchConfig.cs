namespace Locus.Kernels.Cuda;

/// <summary>Grid, block and dynamic shared memory of one launch.</summary>
public readonly record struct LaunchConfig(uint GridX, uint GridY, uint GridZ, uint BlockX, uint BlockY = 1, uint BlockZ = 1, uint SharedBytes = 0)
{
    /// <summary>Largest grid.x used by grid-stride loops.</summary>
    public const long MaxLinearBlocks = 65535L * 32;

    /// <summary>A 1-D grid of <paramref name="block"/>-thread blocks covering <paramref name="count"/> items (capped; kernels use grid-stride loops).</summary>
    /// <exception cref="ArgumentOutOfRangeException">count is negative or block is not in [32, 1024].</exception>
    public static LaunchConfig Linear(long count, int block = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (block < 32 || block > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(block), $"block size {block} must be in [32, 1024]");
        }
        long blocks = Math.Clamp((count + block - 1) / block, 1, MaxLinearBlocks);
        return new LaunchConfig((uint)blocks, 1, 1, (uint)block);
    }

    /// <summary>One block of <paramref name="block"/> threads per row (row-wise reductions); rows go to grid.x (then grid.y).</summary>
    public static LaunchConfig Rows(long rows, int block = 256, uint sharedBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long gx = Math.Min(Math.Max(rows, 1), 65535L * 1024);
        return new LaunchConfig((uint)gx, 1, 1, (uint)block, 1, 1, sharedBytes);
    }

    public override string ToString() => $"grid({GridX},{GridY},{GridZ}) block({BlockX},{BlockY},{BlockZ}) smem {SharedBytes}";
}
