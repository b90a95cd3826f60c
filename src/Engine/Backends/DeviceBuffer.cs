namespace Locus.Engine.Backends;

/// <summary>A block of backend memory. Owned by whoever allocated it; dispose to free.</summary>
public abstract class DeviceBuffer : IDisposable
{
    protected DeviceBuffer(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        ByteLength = byteLength;
    }

    /// <summary>Size in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>True after <see cref="Dispose()"/>.</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (!IsDisposed)
        {
            Free();
            IsDisposed = true;
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the native memory exactly once.</summary>
    protected abstract void Free();

    /// <summary>Throws if disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}
