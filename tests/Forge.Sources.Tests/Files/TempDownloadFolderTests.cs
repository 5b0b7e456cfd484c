using System.Diagnostics;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Files;

/// <summary>A killed run's download folder is removed by the next command; a live process's folder is kept.</summary>
public sealed class TempDownloadFolderTests
{
    [Fact]
    public async Task FoldersOfEndedProcessesAreRemovedAndLiveOnesKept()
    {
        using var parent = new TempDir();
        // A process that lives until its start time is read (reading it after exit races with the reaper), then ends.
        using var gone = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var goneStart = new DateTimeOffset(gone.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        gone.Kill();
        await gone.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var dead = Path.Combine(parent.Path, $"forge-run-{gone.Id}-{goneStart}-0123abcd");
        Directory.CreateDirectory(dead);
        File.WriteAllBytes(Path.Combine(dead, "input.nc.part"), new byte[100]);
        var unrelated = Path.Combine(parent.Path, "forge-notes");
        Directory.CreateDirectory(unrelated);

        using var mine = TempDownloadFolder.Create("run", parent.Path);
        Assert.False(Directory.Exists(dead), "the ended process's download folder must be removed");
        Assert.True(Directory.Exists(unrelated));
        Assert.True(Directory.Exists(mine.Path));

        // This process is alive: a second command in it keeps the first one's folder.
        using var second = TempDownloadFolder.Create("plan", parent.Path);
        Assert.True(Directory.Exists(mine.Path));
        mine.Dispose();
        Assert.False(Directory.Exists(mine.Path));
    }
}
