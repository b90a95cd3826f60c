using System.Text.Json;
using Locus.Engine.Tensors;

namespace Locus.Engine.IO.Safetensors;

/// <summary>
/// A set of safetensors files read as one: a single file, a sharded checkpoint's
/// <c>*.safetensors.index.json</c> (<c>weight_map</c>: tensor → shard file), or a directory (its index
/// JSON when there is exactly one, otherwise every <c>*.safetensors</c> in it). Tensor names must be
/// unique across files.
/// </summary>
public sealed class SafetensorsIndex : IDisposable
{
    private readonly List<SafetensorsFile> _files = [];
    private readonly Dictionary<string, (TensorEntry Entry, SafetensorsFile File)> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    private SafetensorsIndex(string path) => Path = path;

    /// <summary>The path given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The opened files (shards).</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Tensor names, file by file in header order.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>Number of tensors.</summary>
    public int Count => _names.Count;

    /// <summary>Opens a file, an index JSON or a directory (see the class summary).</summary>
    /// <exception cref="FileNotFoundException">The path, or a shard it names, does not exist.</exception>
    /// <exception cref="SafetensorsFormatException">A file or the index is malformed, or names clash.</exception>
    public static SafetensorsIndex Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var index = new SafetensorsIndex(path);
        try
        {
            if (Directory.Exists(path))
            {
                index.OpenDirectory(path);
            }
            else if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path}: no such file or directory", path);
            }
            else if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                index.OpenIndexJson(path);
            }
            else
            {
                index.AddFile(SafetensorsFile.Open(path), null);
            }
        }
        catch
        {
            index.Dispose();
            throw;
        }
        return index;
    }

    /// <summary>Looks a tensor up across all files.</summary>
    public bool TryGet(string name, out TensorEntry entry, out SafetensorsFile file)
    {
        if (_byName.TryGetValue(name, out var hit))
        {
            (entry, file) = hit;
            return true;
        }
        entry = null!;
        file = null!;
        return false;
    }

    /// <summary>The entry of <paramref name="name"/>.</summary>
    /// <exception cref="TensorNotFoundException">No such tensor (the message names the path and the tensor).</exception>
    public TensorEntry Get(string name) =>
        TryGet(name, out var e, out _) ? e : throw new TensorNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>Copies a tensor into a new host tensor.</summary>
    public HostTensor Read(string name) =>
        TryGet(name, out var e, out var f) ? f.Read(e) : throw new TensorNotFoundException($"{Path}: no tensor named '{name}'");

    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
        _files.Clear();
    }

    private void OpenDirectory(string directory)
    {
        var indexes = Directory.GetFiles(directory, "*.safetensors.index.json").Order(StringComparer.Ordinal).ToArray();
        if (indexes.Length == 1)
        {
            OpenIndexJson(indexes[0]);
            return;
        }
        if (indexes.Length > 1)
        {
            throw SafetensorsFormatException.For(directory, $"{indexes.Length} index files ({string.Join(", ", indexes.Select(System.IO.Path.GetFileName))}); open one of them");
        }
        var files = Directory.GetFiles(directory, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw SafetensorsFormatException.For(directory, "no .safetensors files in the directory");
        }
        foreach (var f in files)
        {
            AddFile(SafetensorsFile.Open(f), null);
        }
    }

    private void OpenIndexJson(string indexPath)
    {
        var map = ReadWeightMap(indexPath);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        foreach (var shard in map.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (System.IO.Path.IsPathRooted(shard) || shard.Contains("..", StringComparison.Ordinal))
            {
                throw SafetensorsFormatException.For(indexPath, $"shard name '{shard}' must be a file name relative to the index");
            }
            string shardPath = System.IO.Path.Combine(directory, shard);
            if (!File.Exists(shardPath))
            {
                throw new FileNotFoundException($"{indexPath}: shard '{shard}' does not exist", shardPath);
            }
            var file = SafetensorsFile.Open(shardPath);
            AddFile(file, map);
            foreach (var (name, target) in map)
            {
                if (target == shard && !file.TryGet(name, out _))
                {
                    throw SafetensorsFormatException.For(indexPath, $"tensor '{name}' is mapped to '{shard}' but that file does not contain it");
                }
            }
        }
    }

    private void AddFile(SafetensorsFile file, Dictionary<string, string>? weightMap)
    {
        _files.Add(file);
        string shard = System.IO.Path.GetFileName(file.Path);
        foreach (var t in file.Tensors)
        {
            if (weightMap is not null && (!weightMap.TryGetValue(t.Name, out var target) || target != shard))
            {
                continue; // the index routes this name elsewhere (or not at all)
            }
            if (!_byName.TryAdd(t.Name, (t, file)))
            {
                throw SafetensorsFormatException.For(file.Path, $"tensor '{t.Name}' also appears in {_byName[t.Name].File.Path}");
            }
            _names.Add(t.Name);
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        var info = new FileInfo(indexPath);
        if (info.Length > SafetensorsHeader.MaxHeaderBytes)
        {
            throw SafetensorsFormatException.For(indexPath, $"index is {info.Length} bytes, over the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            byte[] bytes = File.ReadAllBytes(indexPath);
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw SafetensorsFormatException.For(indexPath, "index is not valid UTF-8");
            }
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var weights)
                || weights.ValueKind != JsonValueKind.Object)
            {
                throw SafetensorsFormatException.For(indexPath, "index has no \"weight_map\" object");
            }
            foreach (var p in weights.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(p.Value.GetString()))
                {
                    throw SafetensorsFormatException.For(indexPath, $"weight_map entry '{p.Name}' is not a file name");
                }
                if (!map.TryAdd(p.Name, p.Value.GetString()!))
                {
                    throw SafetensorsFormatException.For(indexPath, $"weight_map lists '{p.Name}' twice");
                }
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"{indexPath}: index is not valid JSON ({e.Message})", e);
        }
        return map;
    }
}
