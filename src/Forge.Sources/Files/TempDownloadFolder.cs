using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Sources;

/// <summary>
/// The folder a command downloads uncached inputs into: <c>$TMPDIR/forge-&lt;verb&gt;-&lt;pid&gt;-&lt;process start&gt;-&lt;random&gt;</c>.
/// It is deleted when disposed; a process killed before that leaves it behind, so every new one first deletes
/// the folders of processes that no longer exist (the start time tells a recycled pid apart).
/// </summary>
public sealed partial class TempDownloadFolder : IDisposable
{
    private TempDownloadFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Removes dead processes' folders, then creates this process's.</summary>
    public static TempDownloadFolder Create(string verb, string? parent = null)
    {
        parent ??= System.IO.Path.GetTempPath();
        SweepDead(parent);
        using var self = Process.GetCurrentProcess();
        var name = $"forge-{verb}-{Environment.ProcessId}-{StartStamp(self)}-{Guid.NewGuid():N}";
        var path = System.IO.Path.Combine(parent, name[..^24]); // 8 random hex digits are plenty
        Directory.CreateDirectory(path);
        return new TempDownloadFolder(path);
    }

    /// <summary>Deletes the folders under <paramref name="parent"/> whose process has ended; returns how many.</summary>
    public static int SweepDead(string parent)
    {
        if (!Directory.Exists(parent)) return 0;
        var removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, "forge-*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var dir in candidates)
        {
            var m = Name().Match(System.IO.Path.GetFileName(dir));
            if (!m.Success) continue;
            var pid = int.Parse(m.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture);
            var stamp = long.Parse(m.Groups["start"].ValueSpan, CultureInfo.InvariantCulture);
            if (IsAlive(pid, stamp)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's folder or one being removed concurrently: leave it.
            }
        }

        return removed;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static bool IsAlive(int pid, long stamp)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && Math.Abs(StartStamp(p) - stamp) <= 1;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>The process start time in whole seconds since the Unix epoch.</summary>
    private static long StartStamp(Process p) => new DateTimeOffset(p.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    [GeneratedRegex(@"^forge-[a-z]+-(?<pid>[0-9]{1,9})-(?<start>[0-9]{1,12})-[0-9a-f]{8}$")]
    private static partial Regex Name();
}
