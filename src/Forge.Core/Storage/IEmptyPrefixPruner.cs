namespace Forge.Core.Storage;

/// <summary>
/// A store whose prefixes are real folders (a local file system) and so can outlive their keys. Object stores
/// have no empty prefixes and do not implement it.
/// </summary>
internal interface IEmptyPrefixPruner
{
    /// <summary>
    /// Removes the empty folders under <paramref name="prefix"/> and the prefix itself when empty. Call it only
    /// while nothing writes under the prefix (a writer may have just created a folder it is about to fill).
    /// </summary>
    ValueTask PruneEmptyPrefixAsync(string prefix, CancellationToken ct = default);
}
