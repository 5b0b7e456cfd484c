namespace Forge.Core.Execution;

/// <summary>
/// What the ledger records when an object is stored: its id ("&lt;array&gt;/&lt;i.j.k&gt;"), its store key, and the
/// size and CRC-32C of the encoded bytes (null when nothing was stored), so <c>forge verify</c> can tell a flipped
/// byte from what the run wrote.
/// </summary>
public sealed record StoredObject(string Id, string Key, long Size, uint? Crc32C);
