namespace Forge.Testing.Storage;

/// <summary>Deterministic test values.</summary>
public static class StoreData
{
    /// <summary>Pseudo-random bytes from a fixed seed (same seed, same bytes).</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>0, 1, 2, ... wrapping at 256: each byte names its offset, so misplaced ranges show.</summary>
    public static byte[] Sequence(int length) => Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

    /// <summary>A value whose bytes are all <paramref name="fill"/>.</summary>
    public static byte[] Uniform(int length, byte fill)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill(fill);
        return bytes;
    }
}
