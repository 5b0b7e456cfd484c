using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Storage;

/// <summary>
/// A store over a local directory: each key is a file under the root, written atomically by rename. With
/// <see cref="LocalStoreOptions.Fsync"/> (the default) a write or delete is on disk when it returns: the file's data
/// before its rename, then the directory entry (and any directory it created), so what the ledger marks done after it
/// survives a crash of the machine, not only of the process.
/// </summary>
public sealed class LocalStore : IStore, IConditionalWritableStore, IStreamingWritableStore, ITemporaryObjectSweeper, IEmptyPrefixPruner
{
    /// <summary>Suffix of in-progress files; they are never listed, and keys ending with it are refused.</summary>
    public const string TempSuffix = ".forge-tmp";

    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // The default skips Hidden, which on Unix means every dot file: .zarray, .zattrs, .zgroup, .zmetadata.
        AttributesToSkip = FileAttributes.None,
        ReturnSpecialDirectories = false,
    };

    private readonly string _root;
    private readonly bool _fsync;

    /// <summary>Directories whose entry (and every ancestor's up to the root's parent) is known to be on disk.</summary>
    private readonly ConcurrentDictionary<string, byte> _durableDirectories = new(StringComparer.Ordinal);

    /// <summary>Opens (without creating) the directory <paramref name="rootDirectory"/>; it is created on the first write.</summary>
    public LocalStore(string rootDirectory, LocalStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _fsync = (options ?? LocalStoreOptions.Default).Fsync;
        Url = _root;
    }

    /// <summary>The absolute root directory.</summary>
    public string Url { get; }

    /// <summary>Whether writes and deletes are flushed to disk before they return.</summary>
    public bool Fsync => _fsync;

    /// <summary>Opens a plain path or a "file://" URL ("file:///data/out.zarr").</summary>
    public static LocalStore FromUrl(string url, LocalStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return new LocalStore(url, options);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsFile || (!string.IsNullOrEmpty(uri.Host) && uri.Host != "localhost"))
            throw new ArgumentException($"'{url}' is not a local file URL (expected file:///absolute/path)", nameof(url));
        return new LocalStore(Uri.UnescapeDataString(uri.AbsolutePath), options);
    }

    public async ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var path = PathOf(key);
        StoreArguments.Range(range, key, Url);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            return null; // the key names a directory (a prefix), not a value
        }

        using (handle)
        {
            var total = RandomAccess.GetLength(handle);
            var (offset, length) = range is null ? (0L, total) : range.Resolve(total);
            if (length > Array.MaxLength)
                throw new IOException($"value '{key}' in store {Url} is {length} bytes, more than one buffer can hold");
            var buffer = StoreBuffer.Rent((int)length);
            try
            {
                var memory = buffer.Memory;
                var done = 0;
                while (done < memory.Length)
                {
                    var read = await RandomAccess.ReadAsync(handle, memory[done..], offset + done, ct);
                    if (read == 0) throw new IOException($"value '{key}' in store {Url} shrank while being read");
                    done += read;
                }

                return buffer;
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        }
    }

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(File.Exists(PathOf(key)));
    }

    public async ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var path = PathOf(key);
        var temp = await WriteTempAsync(key, path, value, ct);
        try
        {
            File.Move(temp, path, overwrite: true); // rename(2): readers see the old file or the new one
        }
        catch (Exception e)
        {
            TryDelete(temp);
            throw new IOException($"cannot store '{key}' in {Url}: {e.Message}", e);
        }

        FlushDirectory(key, Path.GetDirectoryName(path)!);
    }

    /// <summary>Streams the value into a temporary file beside the key, then renames it (no whole-value buffer).</summary>
    public async ValueTask SetFromStreamAsync(StoreKey key, Stream content, long length, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            CreateDirectory(directory);
            await using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, PreallocationSize = length }))
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
                try
                {
                    long left = length;
                    while (left > 0)
                    {
                        int n = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
                        if (n == 0) throw new IOException($"the content of '{key}' ended {left} bytes early");
                        await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                        left -= n;
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }

                if (_fsync) file.Flush(flushToDisk: true); // the data before the name: a crash never leaves a named empty file
            }

            File.Move(temp, path, overwrite: true); // rename(2): readers see the old file or the new one
            FlushDirectory(key, directory);
        }
        catch (OperationCanceledException)
        {
            TryDelete(temp);
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"cannot store '{key}' in {Url}: {e.Message}", e);
        }
    }

    /// <summary>
    /// A new temporary file name beside <paramref name="key"/> (its folder created), for a value written in place
    /// and then published with <see cref="PublishTemporary"/>; a killed writer's leftovers are swept like any temp file.
    /// </summary>
    public string CreateTemporaryPath(StoreKey key)
    {
        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
    }

    /// <summary>Renames a complete temporary file (from <see cref="CreateTemporaryPath"/>, already flushed when <see cref="Fsync"/>) into place.</summary>
    public void PublishTemporary(string temp, StoreKey key)
    {
        var path = PathOf(key);
        try
        {
            if (_fsync)
            {
                // The data before the name: a crash never leaves a named, partly written object.
                using var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true); // rename(2): readers see the old file or the new one
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"cannot store '{key}' in {Url}: {e.Message}", e);
        }

        FlushDirectory(key, Path.GetDirectoryName(path)!);
    }

    public async ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return false;
        var temp = await WriteTempAsync(key, path, value, ct);
        bool created;
        try
        {
            created = NoReplaceRename.TryMove(temp, path);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            throw new IOException($"cannot create '{key}' in {Url}: {e.Message}", e);
        }

        if (!created)
        {
            TryDelete(temp);
            return false;
        }

        FlushDirectory(key, Path.GetDirectoryName(path)!);
        return true;
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var path = PathOf(key);
        try
        {
            if (!File.Exists(path)) return ValueTask.CompletedTask; // already absent: delete is idempotent
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return ValueTask.CompletedTask;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // A directory is a prefix, not a value: there is nothing to delete under this key.
            return ValueTask.CompletedTask;
        }

        // The unlink on disk: a wipe or a forgotten done marker must not come back after a crash.
        FlushDirectory(key, Path.GetDirectoryName(path)!);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        StoreArguments.Prefix(prefix, Url);
        // Walk only the deepest directory the prefix fully names; filter the rest as a string prefix (like S3).
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : ResolvePath(prefix[..lastSlash]);
        if (!Directory.Exists(start)) yield break;

        await Task.Yield(); // keep the caller's thread free: directory walks block
        foreach (var file in Directory.EnumerateFiles(start, "*", ListOptions))
        {
            ct.ThrowIfCancellationRequested();
            if (file.EndsWith(TempSuffix, StringComparison.Ordinal)) continue;
            var relative = Path.GetRelativePath(_root, file);
            if (Path.DirectorySeparatorChar != '/') relative = relative.Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.StartsWith(prefix, StringComparison.Ordinal) || !IsValidKey(relative)) continue;
            yield return new StoreKey(relative);
        }
    }

    /// <summary>Deletes <c>*.forge-tmp</c> files (writes a killed process never renamed) last written before <paramref name="olderThan"/>.</summary>
    public async ValueTask<int> SweepTemporaryObjectsAsync(DateTimeOffset olderThan, CancellationToken ct = default)
    {
        if (!Directory.Exists(_root)) return 0;
        await Task.Yield(); // directory walks block
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(_root, "*" + TempSuffix, ListOptions))
        {
            ct.ThrowIfCancellationRequested();
            if (File.GetLastWriteTimeUtc(file) >= olderThan.UtcDateTime) continue;
            TryDelete(file);
            if (!File.Exists(file)) removed++;
        }

        return removed;
    }

    public async ValueTask PruneEmptyPrefixAsync(string prefix, CancellationToken ct = default)
    {
        var top = ResolvePath(prefix.TrimEnd('/'));
        if (!Directory.Exists(top)) return;
        await Task.Yield(); // directory walks block
        // Deepest first, so a folder whose only entries were empty folders goes too.
        foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
            }
            catch (IOException)
            {
                // Not empty after all, or gone: either way nothing to prune.
            }
        }

        FlushDirectory(new StoreKey(prefix.TrimEnd('/')), Path.GetDirectoryName(top)!);
    }

    public override string ToString() => Url;

    /// <summary>Maps a key to its file path, refusing any path that would leave the root (defence in depth).</summary>
    internal string ResolvePath(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (full.Length <= _root.Length
            || !full.StartsWith(_root, StringComparison.Ordinal)
            || full[_root.Length] != Path.DirectorySeparatorChar)
            throw new ArgumentException($"key '{relative}' resolves outside store {Url}", nameof(relative));
        return full;
    }

    private string PathOf(StoreKey key)
    {
        var value = StoreArguments.Key(key, Url);
        if (value.EndsWith(TempSuffix, StringComparison.Ordinal))
            throw new ArgumentException($"key '{value}' ends with the reserved temporary suffix '{TempSuffix}' (store {Url})", nameof(key));
        return ResolvePath(value);
    }

    private async Task<string> WriteTempAsync(StoreKey key, string path, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var directory = Path.GetDirectoryName(path)!;
        // Same directory as the target so the final rename never crosses file systems.
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            CreateDirectory(directory);
            using var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous, value.Length);
            await RandomAccess.WriteAsync(handle, value, 0, ct);
            if (_fsync) RandomAccess.FlushToDisk(handle); // the data before the name: a crash never leaves a named empty file
            return temp;
        }
        catch (OperationCanceledException)
        {
            TryDelete(temp);
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"cannot write '{key}' in store {Url}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> (and its parents); with fsync, also flushes the parent of every directory
    /// on the way up to the root (and the root's parent) the first time, so a new directory's name is on disk before
    /// anything in it is reported stored.
    /// </summary>
    private void CreateDirectory(string directory)
    {
        if (!_fsync)
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (_durableDirectories.ContainsKey(directory)) return;
        Directory.CreateDirectory(directory);
        for (var d = directory; d is not null && d.Length >= _root.Length; d = Path.GetDirectoryName(d))
        {
            if (_durableDirectories.ContainsKey(d)) break;
            var parent = Path.GetDirectoryName(d);
            if (parent is not null) DirectorySync.Flush(parent);
            _durableDirectories.TryAdd(d, 0); // only once flushed: another writer never skips an entry not yet on disk
        }
    }

    /// <summary>With fsync: the rename or unlink just done in <paramref name="directory"/> is on disk when this returns.</summary>
    private void FlushDirectory(StoreKey key, string directory)
    {
        if (!_fsync) return;
        try
        {
            DirectorySync.Flush(directory);
        }
        catch (IOException e)
        {
            throw new IOException($"cannot flush '{key}' to disk in store {Url}: {e.Message}", e);
        }
    }

    private static bool IsValidKey(string relative)
    {
        try
        {
            _ = new StoreKey(relative);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp file is never listed and is overwritten by nothing.
        }
    }
}
