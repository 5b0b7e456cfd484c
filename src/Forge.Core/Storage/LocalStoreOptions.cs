namespace Forge.Core.Storage;

/// <summary>How a <see cref="LocalStore"/> writes.</summary>
public sealed record LocalStoreOptions
{
    public static readonly LocalStoreOptions Default = new();

    /// <summary>
    /// Flush every write and delete to disk before it returns (fsync of the file before its rename, then of its
    /// directory). Off, a crash of the process loses nothing, but a crash of the machine or a power cut may lose the
    /// last writes that were already reported done (forge run --no-fsync, run.fsync: false).
    /// </summary>
    public bool Fsync { get; init; } = true;
}
