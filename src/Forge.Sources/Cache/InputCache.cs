using System.Security.Cryptography;
using System.Text;
using Forge.Core.Storage;

namespace Forge.Sources;

/// <summary>
/// Content-addressed input cache on an <see cref="IStore"/> (a local folder or an s3:// prefix).
/// Entry <c>hh/HASH/NAME</c> holds the bytes, <c>hh/HASH/.entry.json</c> the sidecar (url redacted, size, etag,
/// last_modified, sha256, fetched_at); HASH = sha256 of the redacted URL. The sidecar is written last, so an entry
/// without one is partial; an entry whose size or sha256 disagrees with it is corrupt; both are deleted and refetched.
/// </summary>
public sealed class InputCache
{
    internal const string SidecarName = ".entry.json";

    private readonly IStore? _store;
    private readonly string? _root;

    /// <summary>A cache on <paramref name="store"/>; a store whose <see cref="IStore.Url"/> is a local path is used as a folder directly.</summary>
    public InputCache(IStore store, InputCacheOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Options = options ?? new InputCacheOptions();
        if (TryGetLocalDirectory(store.Url, out var root)) _root = root;
        else _store = store;
        Url = store.Url;
    }

    private InputCache(string directory, InputCacheOptions? options)
    {
        Options = options ?? new InputCacheOptions();
        _root = Path.GetFullPath(directory);
        Url = _root;
    }

    /// <summary>A cache in a local folder (created on first write).</summary>
    public static InputCache ForDirectory(string directory, InputCacheOptions? options = null) => new(directory, options);

    /// <summary>Where the cache lives, for messages.</summary>
    public string Url { get; }

    public InputCacheOptions Options { get; }

    /// <summary>True when entries are local files that callers may open in place.</summary>
    public bool IsLocal => _root is not null;

    /// <summary>The store key of the data of <paramref name="url"/>'s entry (the sidecar is beside it).</summary>
    public static StoreKey EntryKey(string url)
    {
        var redacted = UrlRedactor.Redact(url);
        var hash = EntryHash(redacted);
        return new StoreKey($"{hash[..2]}/{hash}/{SanitizedName(redacted)}");
    }

    /// <summary>The local file of a key when the cache is a local folder.</summary>
    public bool TryGetLocalPath(StoreKey key, out string path)
    {
        path = _root is null ? "" : Path.Combine(_root, key.Value.Replace('/', Path.DirectorySeparatorChar));
        return _root is not null;
    }

    /// <summary>Looks up and verifies an entry; a partial or corrupt entry is deleted and reported as a miss.</summary>
    internal async ValueTask<CacheLookup?> TryGetAsync(string redactedUrl, string tempDirectory, Action<string> onCorrupt, CancellationToken ct)
    {
        var key = EntryKey(redactedUrl);
        var sidecarKey = SidecarKey(key);
        if (TryGetLocalPath(key, out var dataPath))
        {
            TryGetLocalPath(sidecarKey, out var sidecarPath);
            if (!File.Exists(sidecarPath))
            {
                if (File.Exists(dataPath)) { onCorrupt("entry without sidecar (partial)"); DeleteLocal(dataPath, sidecarPath); }
                return null;
            }

            var sidecar = CacheSidecar.TryParse(await File.ReadAllBytesAsync(sidecarPath, ct).ConfigureAwait(false));
            var problem = sidecar is null ? "unreadable sidecar" : await VerifyFileAsync(dataPath, sidecar, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                onCorrupt(problem);
                DeleteLocal(dataPath, sidecarPath);
                return null;
            }

            return new CacheLookup(dataPath, sidecar!.Size, IsTemporary: false) { Sidecar = sidecar };
        }

        using var sidecarBytes = await _store!.GetAsync(sidecarKey, null, ct).ConfigureAwait(false);
        if (sidecarBytes is null)
        {
            if (await _store.ExistsAsync(key, ct).ConfigureAwait(false)) { onCorrupt("entry without sidecar (partial)"); await DeleteStoreAsync(key, ct).ConfigureAwait(false); }
            return null;
        }

        var entry = CacheSidecar.TryParse(sidecarBytes.Memory.Span);
        using var data = entry is null ? null : await _store.GetAsync(key, null, ct).ConfigureAwait(false);
        var issue = entry is null ? "unreadable sidecar"
            : data is null ? "entry data missing"
            : data.Memory.Length != entry.Size ? $"size {data.Memory.Length} != {entry.Size}"
            : Convert.ToHexStringLower(SHA256.HashData(data.Memory.Span)) != entry.Sha256 ? "sha256 mismatch"
            : null;
        if (issue is not null)
        {
            onCorrupt(issue);
            await DeleteStoreAsync(key, ct).ConfigureAwait(false);
            return null;
        }

        // Remote entries are always hashed: the bytes are in memory anyway.
        Directory.CreateDirectory(tempDirectory);
        var local = Path.Combine(tempDirectory, $"{Guid.NewGuid():N}-{SanitizedName(redactedUrl)}");
        await File.WriteAllBytesAsync(local, data!.Memory, ct).ConfigureAwait(false);
        return new CacheLookup(local, entry!.Size, IsTemporary: true) { Sidecar = entry };
    }

    /// <summary>Stores a complete, verified download; returns the local path to use (the entry itself for a local cache).</summary>
    internal async ValueTask<CacheLookup> PutAsync(string redactedUrl, string downloadedPath, CacheSidecar sidecar, CancellationToken ct)
    {
        var key = EntryKey(redactedUrl);
        var sidecarKey = SidecarKey(key);
        var json = sidecar.ToJson();
        if (TryGetLocalPath(key, out var dataPath))
        {
            TryGetLocalPath(sidecarKey, out var sidecarPath);
            var dir = Path.GetDirectoryName(dataPath)!;
            Directory.CreateDirectory(dir);
            // Temporary names in the entry folder, renamed only when complete: a crash leaves no sidecar, so no hit.
            var tmpData = Path.Combine(dir, $".{Guid.NewGuid():N}.tmp");
            var tmpSidecar = Path.Combine(dir, $".{Guid.NewGuid():N}.json.tmp");
            File.Move(downloadedPath, tmpData);
            if (new FileInfo(tmpData).Length != sidecar.Size)
            {
                File.Delete(tmpData);
                throw new IOException($"cache entry for {redactedUrl} changed size while being stored");
            }

            if (File.Exists(sidecarPath)) File.Delete(sidecarPath);
            File.Move(tmpData, dataPath, overwrite: true);
            await File.WriteAllBytesAsync(tmpSidecar, json, ct).ConfigureAwait(false);
            File.Move(tmpSidecar, sidecarPath, overwrite: true);
            return new CacheLookup(dataPath, sidecar.Size, IsTemporary: false);
        }

        // IStore.SetAsync is atomic by contract; the sidecar goes last.
        var bytes = await File.ReadAllBytesAsync(downloadedPath, ct).ConfigureAwait(false);
        await _store!.DeleteAsync(sidecarKey, ct).ConfigureAwait(false);
        await _store.SetAsync(key, bytes, ct).ConfigureAwait(false);
        await _store.SetAsync(sidecarKey, json, ct).ConfigureAwait(false);
        return new CacheLookup(downloadedPath, sidecar.Size, IsTemporary: true);
    }

    internal static StoreKey SidecarKey(StoreKey dataKey) =>
        new(string.Concat(dataKey.Value.AsSpan(0, dataKey.Value.LastIndexOf('/') + 1), SidecarName));

    internal static string EntryHash(string redactedUrl) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(redactedUrl))));

    internal static string SanitizedName(string url)
    {
        var path = url;
        var cut = path.IndexOfAny(['?', '#']);
        if (cut >= 0) path = path[..cut];
        var name = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
        var sb = new StringBuilder(Math.Min(name.Length, 100));
        foreach (var c in name)
        {
            if (sb.Length == 100) break;
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        var clean = sb.ToString().TrimStart('.');
        return clean.Length == 0 ? "input" : clean;
    }

    private static string Canonical(string redactedUrl)
    {
        // Scheme and host are case-insensitive; the path and query are not.
        var schemeEnd = redactedUrl.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return redactedUrl;
        var pathStart = redactedUrl.IndexOfAny(['/', '?', '#'], schemeEnd + 3);
        var head = pathStart < 0 ? redactedUrl : redactedUrl[..pathStart];
        return head.ToLowerInvariant() + (pathStart < 0 ? "" : redactedUrl[pathStart..]);
    }

    private async ValueTask<string?> VerifyFileAsync(string dataPath, CacheSidecar sidecar, CancellationToken ct)
    {
        var info = new FileInfo(dataPath);
        if (!info.Exists) return "entry data missing";
        if (info.Length != sidecar.Size) return $"size {info.Length} != {sidecar.Size}";
        if (!Options.VerifyOnRead) return null;
        var stream = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
            return hash == sidecar.Sha256 ? null : "sha256 mismatch";
        }
    }

    private async ValueTask DeleteStoreAsync(StoreKey key, CancellationToken ct)
    {
        await _store!.DeleteAsync(SidecarKey(key), ct).ConfigureAwait(false);
        await _store.DeleteAsync(key, ct).ConfigureAwait(false);
    }

    private static void DeleteLocal(string dataPath, string sidecarPath)
    {
        File.Delete(sidecarPath);
        File.Delete(dataPath);
    }

    private static bool TryGetLocalDirectory(string storeUrl, out string root)
    {
        if (storeUrl.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            root = new Uri(storeUrl).LocalPath;
            return true;
        }

        root = storeUrl.Contains("://", StringComparison.Ordinal) ? "" : Path.GetFullPath(storeUrl);
        return root.Length > 0;
    }
}
