using Forge.Core.Datasets;
using Forge.Core.Sources;

namespace Forge.Formats.Tests.Remote;

/// <summary>A local file as a range-read input that counts the bytes read, for the header readers' tests.</summary>
internal sealed class FileRandomAccess(string path, string? url = null) : IRandomAccessInput
{
    private readonly byte[] _bytes = File.ReadAllBytes(path);

    public string Url { get; } = url ?? path;

    public long Length => _bytes.Length;

    public InputValidators Validators => new(_bytes.Length, null, null);

    public long BytesFetched { get; private set; }

    public int Requests { get; private set; }

    public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken ct = default)
    {
        if (offset < 0 || offset > Length - destination.Length) throw new DataException($"{Url}: read past the end");
        _bytes.AsMemory((int)offset, destination.Length).CopyTo(destination);
        BytesFetched += destination.Length;
        Requests++;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
