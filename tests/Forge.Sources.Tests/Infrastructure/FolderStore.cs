using System.Buffers;
using System.Runtime.CompilerServices;
using Forge.Core.Storage;

namespace Forge.Sources.Tests.Infrastructure;

/// <summary>A test-only folder-backed IStore (until LocalStore lands): keys map to files under the root.</summary>
public sealed class FolderStore(string root) : IStore
{
    public string Url => root;

    private string PathOf(StoreKey key) => Path.Combine(root, key.Value.Replace('/', Path.DirectorySeparatorChar));

    public async ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return null;
        var all = await File.ReadAllBytesAsync(path, ct);
        var (offset, length) = range?.Resolve(all.Length) ?? (0, all.Length);
        return new Owner(all.AsMemory((int)offset, (int)length).ToArray());
    }

    public ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default) => new(File.Exists(PathOf(key)));

    public async ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(tmp, value, ct);
        File.Move(tmp, path, overwrite: true);
    }

    public ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        File.Delete(PathOf(key));
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Yield();
        if (!Directory.Exists(root)) yield break;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return new StoreKey(key);
        }
    }

    private sealed class Owner(byte[] data) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => data;

        public void Dispose() { }
    }
}
