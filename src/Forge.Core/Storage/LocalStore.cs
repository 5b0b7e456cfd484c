using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Storage;

/// <summary>A store over a local directory: each key is a file under the root, written atomically by rename.</summary>
public sealed class LocalStore : IStore, IConditionalWritableStore, IStreamingWritableStore, ITemporaryObjectSweeper
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

    /// <summary>Opens (without creating) the directory <paramref name="rootDirectory"/>; it is created on the first write.</summary>
    public LocalStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        Url = _root;
    }

    /// <summary>The absolute root directory.</summary>
    public string Url { get; }

    /// <summary>Opens a plain path or a "file://" URL ("file:///data/out.zarr").</summary>
    public static LocalStore FromUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return new LocalStore(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsFile || (!string.IsNullOrEmpty(uri.Host) && uri.Host != "localhost"))
            throw new ArgumentException($"'{url}' is not a local file URL (expected file:///absolute/path)", nameof(url));
        return new LocalStore(Uri.UnescapeDataString(uri.AbsolutePath));
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
            Directory.CreateDirectory(directory);
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
            }

            File.Move(temp, path, overwrite: true); // rename(2): readers see the old file or the new one
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

    public async ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return false;
        var temp = await WriteTempAsync(key, path, value, ct);
        try
        {
            // Without overwrite .NET links the temp file to the target (link(2) fails atomically with EEXIST).
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            TryDelete(temp);
            return false;
        }
        catch (Exception e)
        {
            TryDelete(temp);
            throw new IOException($"cannot create '{key}' in {Url}: {e.Message}", e);
        }
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Already absent: delete is idempotent.
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // A directory is a prefix, not a value: there is nothing to delete under this key.
        }

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
            Directory.CreateDirectory(directory);
            using var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous, value.Length);
            await RandomAccess.WriteAsync(handle, value, 0, ct);
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
