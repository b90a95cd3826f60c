using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Safetensors;

/// <summary>
/// A safetensors file, memory-mapped read-only (the file is never modified). Layout: u64 little-endian
/// header length N, N bytes of UTF-8 JSON, then the data section. The header is fully validated on
/// <see cref="Open"/>; every malformed file raises <see cref="SafetensorsFormatException"/>.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte[]? _pinned;
    private readonly byte* _base;
    private readonly long _length;
    private readonly Dictionary<string, TensorEntry> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, long length, byte[]? pinned = null)
    {
        Path = path;
        _pinned = pinned;
        _map = map;
        _view = view;
        _base = basePointer;
        _length = length;
        try
        {
            if (length < 8)
            {
                throw SafetensorsFormatException.For(path, $"file is {length} bytes, shorter than the 8-byte header length");
            }
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePointer, 8));
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
            {
                throw SafetensorsFormatException.For(path, $"header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
            }
            if ((long)headerLength > length - 8)
            {
                throw SafetensorsFormatException.For(path, $"header length {headerLength} runs past the end of the {length}-byte file");
            }
            long dataStart = 8 + (long)headerLength;
            // SAFETY: [8, 8 + N) lies inside the mapped view (checked above) and N ≤ 100 MB fits an int.
            var header = new ReadOnlySpan<byte>(basePointer + 8, (int)headerLength);
            var (tensors, metadata) = SafetensorsHeader.Parse(header, dataStart, length - dataStart, path);
            Tensors = tensors;
            Metadata = metadata;
            _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Path the file was opened from.</summary>
    public string Path { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; } = [];

    /// <summary>The <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>File size in bytes.</summary>
    public long Length => _length;

    /// <summary>Maps and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafetensorsFormatException">The file is malformed (message "path: reason").</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length == 0)
        {
            stream.Dispose();
            return new SafetensorsFile(path, null, null, null, 0);
        }
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        // SAFETY: the pointer is released in Dispose; PointerOffset accounts for page alignment of the view.
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        pointer += view.PointerOffset;
        return new SafetensorsFile(path, map, view, pointer, length);
    }

    /// <summary>
    /// Parses an in-memory copy of a file (same validation as <see cref="Open"/>); <paramref name="path"/> only
    /// names it in messages. Used by tests and fuzzing, where mapping thousands of files would dominate.
    /// </summary>
    internal static SafetensorsFile FromBytes(ReadOnlySpan<byte> bytes, string path)
    {
        byte[] pinned = GC.AllocateUninitializedArray<byte>(Math.Max(bytes.Length, 1), pinned: true);
        bytes.CopyTo(pinned);
        // SAFETY: the array lives on the pinned object heap and is referenced by the instance, so the pointer stays valid.
        fixed (byte* p = pinned)
        {
            return new SafetensorsFile(path, null, null, p, bytes.Length, pinned);
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGet(string name, out TensorEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _byName.TryGetValue(name, out entry!);
    }

    /// <summary>The entry of <paramref name="name"/>.</summary>
    /// <exception cref="TensorNotFoundException">No tensor of that name (the message names the file and the tensor).</exception>
    public TensorEntry Get(string name) =>
        TryGet(name, out var e) ? e : throw new TensorNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>The raw little-endian bytes of a tensor of this file (valid until disposed).</summary>
    /// <exception cref="ArgumentException">The entry does not belong to this file.</exception>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger.</exception>
    public ReadOnlySpan<byte> GetBytes(TensorEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(entry);
        if (!_byName.TryGetValue(entry.Name, out var own) || own != entry)
        {
            throw new ArgumentException($"{Path}: tensor '{entry.Name}' is not an entry of this file", nameof(entry));
        }
        if (entry.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException($"{Path}: tensor '{entry.Name}' is {entry.ByteLength} bytes; spans over 2 GiB are not supported");
        }
        if (entry.ByteLength == 0)
        {
            return [];
        }
        // SAFETY: the header validation guarantees [Offset, Offset + ByteLength) lies inside the mapped file.
        return new ReadOnlySpan<byte>(_base + entry.Offset, (int)entry.ByteLength);
    }

    /// <summary>Copies a tensor into a new host tensor.</summary>
    public HostTensor Read(string name) => Read(Get(name));

    /// <summary>Copies a tensor of this file into a new host tensor.</summary>
    public HostTensor Read(TensorEntry entry) => new(entry.DType, entry.Shape, GetBytes(entry).ToArray());

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_view is not null)
        {
            // SAFETY: balances the AcquirePointer in Open.
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
        GC.KeepAlive(_pinned);
    }
}
