using Forge.Core.Execution;

namespace Forge.Sources;

/// <summary>
/// The folder a command downloads uncached inputs into: <c>$TMPDIR/forge-&lt;verb&gt;-&lt;host&gt;-&lt;pid&gt;-&lt;process start&gt;-&lt;random&gt;</c>.
/// It is deleted when disposed; a process killed before that leaves it behind, so every new one first deletes
/// the folders of processes that no longer exist (<see cref="ProcessFolders"/>, shared with spill and shard scratch).
/// </summary>
public sealed class TempDownloadFolder : IDisposable
{
    private TempDownloadFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Removes dead processes' folders, then creates this process's.</summary>
    public static TempDownloadFolder Create(string verb, string? parent = null) =>
        new(ProcessFolders.Create(parent ?? System.IO.Path.GetTempPath(), verb));

    /// <summary>Deletes the folders under <paramref name="parent"/> whose process has ended; returns how many.</summary>
    public static int SweepDead(string parent) => ProcessFolders.SweepDead(parent);

    public void Dispose() => ProcessFolders.Delete(Path);
}
